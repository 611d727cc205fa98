package dev.fanfare.gateway.core;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.fanfare.gateway.testing.LeakGuard;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Resume from any cursor a subscriber received, over random partition layouts, subscriptions and
 * record histories, on the node it came from or on another one that is behind it (and catches up
 * after the resume): it yields exactly the events after that cursor, in order, once each.
 */
class ResumePropertyTest {

    static {
        LeakGuard.install();
    }

    private static final List<String> KEYS = List.of("a", "b", "c", "d", "e", "f");
    private static final List<String> STREAMS = List.of("ticker", "demo");

    /** One case: partitions per stream, what is subscribed, what is published, where the resume starts. */
    record Case(List<Integer> partitions, List<String> subscription, List<String> history, int resumeAt, int otherHas) {
    }

    @Provide
    Arbitrary<Case> cases() {
        Arbitrary<List<Integer>> partitions = Arbitraries.integers().between(1, 8).list().ofSize(STREAMS.size());
        Arbitrary<String> channel = Combinators.combine(Arbitraries.of(STREAMS), Arbitraries.of(KEYS),
                Arbitraries.integers().between(0, 5)).as((s, k, wild) -> s + "/" + (wild == 0 ? "*" : k));
        Arbitrary<List<String>> subscription = channel.list().ofMinSize(1).ofMaxSize(4);
        Arbitrary<List<String>> history = Combinators.combine(Arbitraries.of(STREAMS), Arbitraries.of(KEYS))
                .as((s, k) -> s + "/" + k).list().ofMinSize(1).ofMaxSize(60);
        return Combinators.combine(partitions, subscription, history, Arbitraries.integers().between(0, 1000),
                Arbitraries.integers().between(0, 1000))
                .as((p, sub, h, at, other) -> new Case(p, sub, h, at, other));
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

    @Property
    void resumingFromAnyReceivedCursorYieldsExactlyWhatCameAfterIt(@ForAll("cases") Case c) {
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
            assertEquals(expectedAll, first.data, "everything, in order, once");
            if (first.data.isEmpty()) {
                return;
            }
            int at = c.resumeAt() % first.data.size();
            String cursor = first.cursors.get(at);
            List<String> expected = expectedAll.subList(at + 1, expectedAll.size());

            // On the same node.
            var again = new HubFixture.Recorder();
            origin.shard().subscribe(again, subscription, origin.hub.cursors().decode(cursor));
            assertEquals(expected, again.data, "from " + at + " on the node it came from");

            // On a node that has read only part of the history, then reads the rest.
            int has = c.otherHas() % (c.history().size() + 1);
            feed(behind, c.history(), 0, has);
            var moved = new HubFixture.Recorder();
            behind.shard().subscribe(moved, subscription, behind.hub.cursors().decode(cursor));
            feed(behind, c.history(), has, c.history().size());
            assertEquals(expected, moved.data, "from " + at + " on a node that had read " + has + " records");
            Set<String> once = new LinkedHashSet<>(moved.data);
            assertEquals(moved.data.size(), once.size(), "no duplicate");
        }
    }
}
