package dev.fanfare.client.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import dev.fanfare.client.style.ClientResources;
import dev.fanfare.client.style.ClientState;
import dev.fanfare.client.style.GatewayAddress;
import dev.fanfare.client.style.StreamListener;
import dev.fanfare.client.style.Style;
import dev.fanfare.client.style.StyleClient;
import dev.fanfare.client.style.StyleClients;
import dev.fanfare.client.style.Subscription;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * One client of the cluster, through nginx, with the client library's own reconnect and resume:
 * records the sequence number ({@code data.n}) of every event in arrival order, when each came, and
 * when its connection failed, so a test can say what was lost, repeated or reordered.
 */
final class Follower implements StreamListener {

    final Style style;
    final List<Integer> numbers = new CopyOnWriteArrayList<>();
    final List<Long> arrivals = new CopyOnWriteArrayList<>();
    final List<Long> troubles = new CopyOnWriteArrayList<>();
    private final StyleClient client;
    private volatile JsonNode lastData;

    private Follower(Style style, ClientResources resources, Subscription subscription) {
        this.style = style;
        this.client = StyleClients.create(style, resources, subscription, this);
    }

    /** {@code perStyle} clients of each of the four styles on {@code channel} from {@code cursor}, all subscribed. */
    static List<Follower> start(ClientResources resources, String url, String channel, String cursor, int perStyle)
            throws Exception {
        List<Follower> all = new ArrayList<>();
        Subscription s = Subscription.of(GatewayAddress.parse(url), List.of(channel)).withCursor(cursor)
                .withPollInterval(Duration.ofMillis(500)).withLongPollTimeout(Duration.ofSeconds(20));
        for (Style style : List.of(Style.SHORT_POLL, Style.LONG_POLL, Style.SSE, Style.WS)) {
            for (int i = 0; i < perStyle; i++) {
                Follower f = new Follower(style, resources, s);
                f.client.start();
                all.add(f);
            }
        }
        for (Follower f : all) {
            f.client.ready().get(60, TimeUnit.SECONDS);
        }
        return all;
    }

    @Override
    public void onEvent(JsonNode envelope, long receivedNanos) {
        lastData = envelope.path("data");
        numbers.add(lastData.path("n").asInt(-1));
        arrivals.add(receivedNanos);
    }

    @Override
    public void onState(ClientState state, String detail) {
        if (state == ClientState.WAITING_TO_RETRY || state == ClientState.CONNECTING && !arrivals.isEmpty()) {
            troubles.add(System.nanoTime());
        }
    }

    /** One SSE client of a viewers channel (no sequence numbers: it keeps the latest count). */
    static Follower viewers(ClientResources resources, String url, String channel) throws Exception {
        Follower f = new Follower(Style.SSE, resources, Subscription.of(GatewayAddress.parse(url), List.of(channel)));
        f.client.start();
        f.client.ready().get(60, TimeUnit.SECONDS);
        return f;
    }

    /** The {@code viewers} figure of the latest event (a viewers channel's), or -1. */
    int lastViewers() {
        JsonNode d = lastData;
        return d == null ? -1 : d.path("viewers").asInt(-1);
    }

    /** Whether it received exactly 0..count-1, in order. */
    boolean receivedExactly(int count) {
        List<Integer> got = List.copyOf(numbers);
        if (got.size() != count) {
            return false;
        }
        for (int i = 0; i < count; i++) {
            if (got.get(i) != i) {
                return false;
            }
        }
        return true;
    }

    /** Its connection failed after {@code nanos}. */
    boolean troubledAfter(long nanos) {
        return troubles.stream().anyMatch(t -> t >= nanos);
    }

    /** Nanoseconds from {@code nanos} to its first event after it, or -1. */
    long firstEventAfter(long nanos) {
        return arrivals.stream().filter(t -> t >= nanos).findFirst().map(t -> t - nanos).orElse(-1L);
    }

    String describe() {
        List<Integer> got = List.copyOf(numbers);
        return style + " got " + got.size() + (got.size() <= 60 ? " " + got : " (first " + got.subList(0, 30) + ")");
    }

    void close() {
        client.close().orTimeout(10, TimeUnit.SECONDS).exceptionally(e -> null).join();
    }
}
