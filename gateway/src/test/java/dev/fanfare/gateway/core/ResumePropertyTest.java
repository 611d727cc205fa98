package dev.fanfare.gateway.core;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.Random;
import java.util.stream.LongStream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Resume from any cursor a subscriber received, over random partition layouts, subscriptions and
 * record histories, on the node it came from or on another one that is behind it (and catches up
 * after the resume): it yields exactly the events after that cursor, in order, once each. The cases
 * come from fixed seeds, so a failure names the seed and its case and repeats.
 */
class ResumePropertyTest {

    private static final List<String> KEYS = List.of("a", "b", "c", "d", "e", "f");
    private static final List<String> STREAMS = List.of("ticker", "demo");

    /** One case: partitions per stream, what is subscribed, what is published, where the resume starts. */
    record Case(List<Integer> partitions, List<String> subscription, List<String> history, int resumeAt, int otherHas) {
    }

    static LongStream seeds() {
        return LongStream.rangeClosed(1, 400);
    }

    /** A random case: 1 to 8 partitions per stream, 1 to 4 channels (some {@code <stream>/*}), 1 to 60 records. */
    static Case caseOf(long seed) {
        Random r = new Random(seed);
        List<Integer> partitions = new ArrayList<>();
        STREAMS.forEach(s -> partitions.add(1 + r.nextInt(8)));
        List<String> subscription = new ArrayList<>();
        for (int i = 1 + r.nextInt(4); i > 0; i--) {
            subscription.add(pick(r, STREAMS) + "/" + (r.nextInt(6) == 0 ? "*" : pick(r, KEYS)));
        }
        List<String> history = new ArrayList<>();
        for (int i = 1 + r.nextInt(60); i > 0; i--) {
            history.add(pick(r, STREAMS) + "/" + pick(r, KEYS));
        }
        return new Case(partitions, subscription, history, r.nextInt(1001), r.nextInt(1001));
    }

    private static String pick(Random r, List<String> from) {
        return from.get(r.nextInt(from.size()));
    }

    private static StreamLayout layout(List<Integer> partitions) {
        return StreamLayout.of(STREAMS, List.of("t.ticker", "t.demo"),
                List.of(UUID.fromString("00000000-0000-0000-0000-000000000001"),
                        UUID.fromString("00000000-0000-0000-0000-000000000002")), partitions);
    }

    /** Publishes records {@code from..to} of the history, each with its number as data. */
    private static void feed(HubFixture node, List<String> history, int from, int to) {
        for (int i = from; i < to; i++) {
            node.publish(history.get(i), Integer.toString(i));
        }
    }

    private static boolean matches(List<ChannelName> subscription, String channel) {
        ChannelName c = ChannelName.parse(channel);
        return subscription.stream().anyMatch(s -> s.equals(c) || (s.isWildcard() && s.stream().equals(c.stream())));
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void resumingFromAnyReceivedCursorYieldsExactlyWhatCameAfterIt(long seed) {
        Case c = caseOf(seed);
        StreamLayout layout = layout(c.partitions());
        List<ChannelName> subscription = new ArrayList<>(new LinkedHashSet<>(c.subscription().stream()
                .map(ChannelName::parse).toList()));
        List<String> expectedAll = new ArrayList<>();
        for (int i = 0; i < c.history().size(); i++) {
            if (matches(subscription, c.history().get(i))) {
                expectedAll.add(c.history().get(i) + " " + i);
            }
        }
        try (HubFixture origin = new HubFixture(layout, RingLimits.DEFAULT, DeliveryPolicy.DEFAULT);
             HubFixture behind = new HubFixture(layout, RingLimits.DEFAULT, DeliveryPolicy.DEFAULT)) {
            var first = new HubFixture.Recorder();
            origin.shard().subscribe(first, subscription, new long[layout.totalPartitions()]);
            feed(origin, c.history(), 0, c.history().size());
            assertEquals(expectedAll, first.data, () -> c + ": everything, in order, once");
            if (first.data.isEmpty()) {
                return;
            }
            int at = c.resumeAt() % first.data.size();
            String cursor = first.cursors.get(at);
            List<String> expected = expectedAll.subList(at + 1, expectedAll.size());

            // On the same node.
            var again = new HubFixture.Recorder();
            origin.shard().subscribe(again, subscription, origin.hub.cursors().decode(cursor));
            assertEquals(expected, again.data, () -> c + ": from " + at + " on the node it came from");

            // On a node that has read only part of the history, then reads the rest.
            int has = c.otherHas() % (c.history().size() + 1);
            feed(behind, c.history(), 0, has);
            var moved = new HubFixture.Recorder();
            behind.shard().subscribe(moved, subscription, behind.hub.cursors().decode(cursor));
            feed(behind, c.history(), has, c.history().size());
            assertEquals(expected, moved.data, () -> c + ": from " + at + " on a node that had read " + has + " records");
            Set<String> once = new LinkedHashSet<>(moved.data);
            assertEquals(moved.data.size(), once.size(), "no duplicate");
        }
    }
}
