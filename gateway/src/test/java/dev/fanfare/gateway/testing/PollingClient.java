package dev.fanfare.gateway.testing;

import com.fasterxml.jackson.databind.JsonNode;
import dev.fanfare.gateway.core.Json;
import java.io.IOException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * A short- or long-polling client: requests in a loop, each with the cursor the previous answer
 * gave. Short polls come back at once, so the loop pauses between them unless the answer says
 * {@code "more":true}; long polls are parked by the gateway, so the next one goes out at once.
 */
public final class PollingClient extends CollectingClient {

    /** How long a short poller waits between answers with nothing more pending. */
    private static final long SHORT_POLL_PAUSE_MILLIS = 50;

    private final Style style;
    private final GatewayHttp http;
    private final int longPollSeconds;
    private List<String> channels;
    private String cursor;
    private int generation;
    private boolean running;
    private CompletableFuture<?> inflight;
    private CountDownLatch firstAnswer = new CountDownLatch(0);
    private String extraQuery = "";

    private PollingClient(Style style, int port, int longPollSeconds) {
        this.style = style;
        this.http = new GatewayHttp(port);
        this.longPollSeconds = longPollSeconds;
    }

    public static PollingClient shortPoll(int port) {
        return new PollingClient(Style.SHORT_POLL, port, 0);
    }

    /** Long polls that ask the gateway to hold each request at most 10 s. */
    public static PollingClient longPoll(int port) {
        return new PollingClient(Style.LONG_POLL, port, 10);
    }

    /** Adds {@code param=value} pairs (already encoded) to every request, e.g. {@code "max_rate=2"}. */
    public synchronized PollingClient withQuery(String pairs) {
        this.extraQuery = "&" + pairs;
        return this;
    }

    @Override
    public Style style() {
        return style;
    }

    @Override
    public void start(List<String> channels, String cursor) {
        int gen;
        CountDownLatch first;
        synchronized (this) {
            stopLocked();
            this.channels = List.copyOf(channels);
            this.cursor = cursor;
            this.running = true;
            gen = ++generation;
            first = firstAnswer = new CountDownLatch(1);
        }
        request(gen);
        if (style == Style.SHORT_POLL) {
            await(first);
        }
    }

    private static void await(CountDownLatch latch) {
        try {
            if (!latch.await(20, TimeUnit.SECONDS)) {
                throw new AssertionError("no answer to the first poll within 20 s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void request(int gen) {
        String path;
        synchronized (this) {
            if (gen != generation || !running) {
                return;
            }
            path = (style == Style.LONG_POLL ? "/longpoll?" : "/poll?") + GatewayHttp.query(channels, cursor)
                    + (style == Style.LONG_POLL ? "&timeout=" + longPollSeconds : "") + extraQuery;
        }
        HttpRequest req = HttpRequest.newBuilder(http.uri(path)).timeout(GatewayHttp.REQUEST_TIMEOUT).GET().build();
        CompletableFuture<HttpResponse<String>> f = GatewayHttp.CLIENT.sendAsync(req, HttpResponse.BodyHandlers.ofString());
        synchronized (this) {
            inflight = f;
        }
        f.whenComplete((r, error) -> onAnswer(gen, r, error));
    }

    private void onAnswer(int gen, HttpResponse<String> r, Throwable error) {
        boolean more;
        synchronized (this) {
            if (gen != generation || !running) {
                return;
            }
            firstAnswer.countDown();
            if (error != null || r.statusCode() != 200) {
                failed(style + " " + (error != null ? error.toString() : r.statusCode() + " " + r.body()));
                running = false;
                return;
            }
            JsonNode answer;
            try {
                answer = Json.MAPPER.readTree(r.body());
            } catch (IOException e) {
                failed(style + " answer is not JSON: " + r.body());
                running = false;
                return;
            }
            if (answer.path("gap").asBoolean(false)) {
                List<String> gapChannels = new ArrayList<>();
                answer.path("gapChannels").forEach(c -> gapChannels.add(c.asText()));
                receivedGap(answer.path("cursor").asText(), gapChannels);
            }
            answer.path("events").forEach(this::received);
            cursor = answer.path("cursor").asText();
            movedTo(cursor);
            more = answer.path("more").asBoolean(false);
        }
        if (style == Style.LONG_POLL || more) {
            request(gen);
        } else {
            CompletableFuture.delayedExecutor(SHORT_POLL_PAUSE_MILLIS, TimeUnit.MILLISECONDS).execute(() -> request(gen));
        }
    }

    @Override
    public synchronized void stop() {
        stopLocked();
    }

    private void stopLocked() {
        running = false;
        generation++;
        if (inflight != null) {
            inflight.cancel(true);
            inflight = null;
        }
        firstAnswer.countDown();
    }
}
