package dev.fanfare.gateway.transport.poll;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.fanfare.gateway.core.CatchUp;
import dev.fanfare.gateway.core.ChannelName;
import dev.fanfare.gateway.core.Delivered;
import dev.fanfare.gateway.core.FanoutHub;
import dev.fanfare.gateway.core.RingLimits;
import dev.fanfare.gateway.core.SnapshotSource;
import dev.fanfare.gateway.core.StreamLayout;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.channel.embedded.EmbeddedChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The stateless max_rate of the polls: what an answer lets through, where its cursor stops, and what the next poll gets. */
class RateLimitTest {

    private static final long INTERVAL = 100;
    private static final List<ChannelName> CHANNELS = List.of(ChannelName.parse("ticker/*"));

    private final StreamLayout layout = StreamLayout.of(List.of("ticker"), List.of("t.ticker"),
            List.of(UUID.fromString("00000000-0000-0000-0000-000000000001")), List.of(1));
    private final FanoutHub hub = new FanoutHub(layout, RingLimits.DEFAULT, new long[1],
            List.of(new EmbeddedChannel().eventLoop()), SnapshotSource.NONE, UnpooledByteBufAllocator.DEFAULT);
    private long offset;

    @AfterEach
    void close() {
        hub.close();
    }

    /** Publishes events "key@timestamp" in this order, all on the one partition. */
    private void publish(String... events) throws InterruptedException {
        List<FanoutHub.Incoming> records = new ArrayList<>();
        for (String e : events) {
            String[] parts = e.split("@");
            records.add(new FanoutHub.Incoming(0, 0, offset++, Long.parseLong(parts[1]),
                    parts[0].getBytes(StandardCharsets.UTF_8), ("\"" + e + "\"").getBytes(StandardCharsets.UTF_8)));
        }
        hub.ingest(records);
    }

    /** One poll at {@code cursor} (null: from the start) at time {@code now}: "key@ts+replaced" for each let through. */
    private RateLimit.Thinned poll(String cursor, long now, List<String> got) {
        long[] from = cursor == null ? new long[1] : hub.cursors().decode(cursor);
        try (CatchUp c = hub.reader().read(CHANNELS, from, 100, new Delivered(offset, new long[] {offset}))) {
            RateLimit.Thinned t = RateLimit.thin(c, from, cursor, INTERVAL, hub.reader(), now);
            for (RateLimit.Kept k : t.items()) {
                got.add(k.item().event().channel().key() + "@" + k.item().event().timestamp() + "+" + k.conflated());
            }
            return t;
        }
    }

    @Test
    void aChannelsLastEventWaitsForItsIntervalThenComesWithTheCountOfWhatItReplaced() throws Exception {
        for (int ts = 0; ts < 200; ts += 10) {
            publish("A@" + ts);
        }
        List<String> got = new ArrayList<>();
        RateLimit.Thinned first = poll(null, 195, got);
        assertEquals(List.of("A@0+0", "A@100+9"), got);
        assertEquals(200, first.dueMillis(), "due an interval after the last let through");

        got.clear();
        RateLimit.Thinned early = poll(first.cursor(), 199, got);
        assertEquals(List.of(), got, "not before it is due");
        assertEquals(first.cursor(), early.cursor());

        RateLimit.Thinned due = poll(first.cursor(), 200, got);
        assertEquals(List.of("A@190+8"), got, "the last one always, counting the eight after A@100");
        assertFalse(due.heldBack());
    }

    @Test
    void theCursorStopsBeforeAnyEventPassedOverForOneAfterIt() throws Exception {
        // B@8 gives way to B@120, which comes after A@10, where A's wait stops the answer.
        publish("A@0", "B@5", "B@8", "A@10", "B@120", "A@20");
        List<String> got = new ArrayList<>();
        RateLimit.Thinned first = poll(null, 50, got);
        assertEquals(List.of("A@0+0", "B@5+0"), got);
        assertEquals(100, first.dueMillis());

        got.clear();
        poll(first.cursor(), 150, got);
        assertEquals(List.of("B@120+1", "A@20+1"), got, "each counts what it replaced; B's interval from B@5");
    }

    @Test
    void eventsFarEnoughApartAllComeThrough() throws Exception {
        publish("A@0", "B@0", "A@100", "B@150", "A@250");
        List<String> got = new ArrayList<>();
        RateLimit.Thinned t = poll(null, 250, got);
        assertEquals(List.of("A@0+0", "B@0+0", "A@100+0", "B@150+0", "A@250+0"), got);
        assertFalse(t.heldBack());
    }
}
