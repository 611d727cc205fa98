package dev.fanfare.client.cluster;

import java.net.http.HttpResponse;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Claps on one post through nginx in a loop, one clap per new user, and tells the answers apart:
 * 202 (must count exactly once), no answer (the node died holding it: may or may not count), and
 * refusals (never count).
 */
final class Clapper {

    final String post;
    private final String url;
    private final AtomicInteger accepted = new AtomicInteger();
    private final AtomicInteger unanswered = new AtomicInteger();
    private final AtomicBoolean stopping = new AtomicBoolean();
    private final Thread thread;

    private Clapper(String url, String post) {
        this.url = url;
        this.post = post;
        this.thread = new Thread(this::run, "cluster-it-clapper");
        thread.setDaemon(true);
    }

    static Clapper start(String url, String post) {
        Clapper c = new Clapper(url, post);
        c.thread.start();
        return c;
    }

    private void run() {
        for (int user = 0; !stopping.get(); user++) {
            try {
                HttpResponse<String> r = ClusterIT.post(url + "/claps/" + post, "{\"user\":\"u" + user + "\",\"count\":1}");
                if (r.statusCode() == 202) {
                    accepted.incrementAndGet();
                } else if (r.statusCode() == 502 || r.statusCode() == 504) {
                    unanswered.incrementAndGet();
                }
            } catch (Exception e) {
                unanswered.incrementAndGet();
            }
        }
    }

    int accepted() {
        return accepted.get();
    }

    /** Stops; returns {answered 202, not answered}. */
    int[] stop() throws InterruptedException {
        stopping.set(true);
        thread.join(30_000);
        return new int[] {accepted.get(), unanswered.get()};
    }
}
