package dev.fanfare.gateway.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class ShardTest {

    private static final DeliveryPolicy LOSSLESS = new DeliveryPolicy(java.util.Set.of(), 1024);

    private static List<ChannelName> channels(String... names) {
        return java.util.Arrays.stream(names).map(ChannelName::parse).toList();
    }

    @Test
    void deliversLiveEventsInOrderToSubscribersOfTheChannelOnly() {
        try (HubFixture f = new HubFixture(RingLimits.DEFAULT)) {
            var a = new HubFixture.Recorder();
            var b = new HubFixture.Recorder();
            f.shard().subscribe(a, channels("ticker/A"), null);
            f.shard().subscribe(b, channels("ticker/B"), null);
            f.publish("ticker/A", "1");
            f.publish("ticker/B", "2");
            f.publish("ticker/A", "3");
            assertEquals(List.of("ticker/A 1", "ticker/A 3"), a.data);
            assertEquals(List.of("ticker/B 2"), b.data);
        }
    }

    @Test
    void wildcardGetsEveryKeyOnceEvenWhenAKeyChannelIsAlsoNamed() {
        try (HubFixture f = new HubFixture(RingLimits.DEFAULT)) {
            var s = new HubFixture.Recorder();
            f.shard().subscribe(s, channels("ticker/A", "ticker/*"), null);
            f.publish("ticker/A", "1");
            f.publish("ticker/B", "2");
            f.publish("claps/p", "3");
            assertEquals(List.of("ticker/A 1", "ticker/B 2"), s.data);
        }
    }

    @Test
    void subscribingWithoutCursorSendsLatestEventOfEachChannelAsSnapshot() {
        try (HubFixture f = new HubFixture(RingLimits.DEFAULT)) {
            f.publish("ticker/A", "1");
            f.publish("ticker/A", "2");
            f.publish("ticker/B", "3");
            var s = new HubFixture.Recorder();
            f.shard().subscribe(s, channels("ticker/*"), null);
            assertEquals(2, s.data.size());
            assertTrue(s.data.containsAll(List.of("snapshot ticker/A 2", "snapshot ticker/B 3")), s.data.toString());
        }
    }

    @Test
    void resumesFromCursorWithoutGapOrDuplicate() {
        try (HubFixture f = new HubFixture(RingLimits.DEFAULT)) {
            var first = new HubFixture.Recorder();
            f.shard().subscribe(first, channels("ticker/A", "claps/p"), null);
            f.publish("ticker/A", "1");
            f.publish("claps/p", "2");
            String cursor = first.lastCursor();
            f.shard().remove(first);
            f.publish("ticker/A", "3");
            f.publish("ticker/Z", "99");
            f.publish("claps/p", "4");

            var again = new HubFixture.Recorder();
            f.shard().subscribe(again, channels("ticker/A", "claps/p"), f.hub.cursors().decode(cursor));
            f.publish("ticker/A", "5");
            assertEquals(List.of("ticker/A 3", "claps/p 4", "ticker/A 5"), again.data);
            assertTrue(again.gaps.isEmpty());
        }
    }

    @Test
    void cursorOlderThanTheRingGetsAnExplicitGapThenWhatIsRetained() {
        try (HubFixture f = new HubFixture(new RingLimits(1 << 20, 1000, 2, 100))) {
            var s = new HubFixture.Recorder();
            f.shard().subscribe(s, channels("ticker/A"), null);
            f.publish("ticker/A", "1");
            String cursor = s.lastCursor();
            f.shard().remove(s);
            for (int i = 2; i <= 5; i++) {
                f.publish("ticker/A", Integer.toString(i));
            }
            var late = new HubFixture.Recorder();
            f.shard().subscribe(late, channels("ticker/A"), f.hub.cursors().decode(cursor));
            assertEquals(List.of("[ticker/A]"), late.gaps);
            assertEquals(List.of("ticker/A 4", "ticker/A 5"), late.data);

            // Resuming from the gap's own cursor is complete: no second gap.
            var fromGap = new HubFixture.Recorder();
            f.shard().subscribe(fromGap, channels("ticker/A"), f.hub.cursors().decode(late.cursors.get(0)));
            assertTrue(fromGap.gaps.isEmpty());
            assertEquals(List.of("ticker/A 4", "ticker/A 5"), fromGap.data);
        }
    }

    @Test
    void cursorOfARecreatedTopicGetsAGap() {
        String oldCursor;
        try (HubFixture before = new HubFixture(RingLimits.DEFAULT)) {
            var s = new HubFixture.Recorder();
            before.shard().subscribe(s, channels("ticker/A"), null);
            before.publish("ticker/A", "1");
            oldCursor = s.lastCursor();
        }
        try (HubFixture after = new HubFixture(RingLimits.DEFAULT, java.util.UUID.randomUUID())) {
            after.publish("ticker/A", "100");
            var s = new HubFixture.Recorder();
            after.shard().subscribe(s, channels("ticker/A"), after.hub.cursors().decode(oldCursor));
            assertEquals(List.of("[ticker/A]"), s.gaps);
            assertEquals(List.of("ticker/A 100"), s.data);
        }
    }

    @Test
    void subscriberAheadOfTheNodeSkipsWhatItHasAndItsCursorNeverGoesBack() {
        String aheadCursor;
        try (HubFixture ahead = new HubFixture(RingLimits.DEFAULT)) {
            var s = new HubFixture.Recorder();
            ahead.shard().subscribe(s, channels("ticker/A", "claps/p"), null);
            ahead.publish("ticker/A", "1");
            ahead.publish("ticker/A", "2");
            ahead.publish("claps/p", "101");
            aheadCursor = s.lastCursor();
        }
        try (HubFixture behind = new HubFixture(RingLimits.DEFAULT)) {
            var s = new HubFixture.Recorder();
            long[] from = behind.hub.cursors().decode(aheadCursor);
            behind.shard().subscribe(s, channels("ticker/A", "claps/p"), from);
            behind.publish("ticker/A", "1");
            behind.publish("ticker/A", "2");
            behind.publish("ticker/A", "3");
            assertEquals(List.of("ticker/A 3"), s.data);
            long[] got = behind.hub.cursors().decode(s.lastCursor());
            assertTrue(Cursors.covers(got, from), "cursor went back");
            behind.publish("claps/p", "101");
            behind.publish("claps/p", "102");
            assertEquals(List.of("ticker/A 3", "claps/p 102"), s.data);
        }
    }

    @Test
    void slowSubscriberThatDeclinesABatchIsSkippedWithoutHarmingOthers() {
        try (HubFixture f = new HubFixture(RingLimits.DEFAULT, HubFixture.TICKER_ID, LOSSLESS)) {
            var slow = new HubFixture.Recorder();
            var fine = new HubFixture.Recorder();
            f.shard().subscribe(slow, channels("ticker/A"), null);
            f.shard().subscribe(fine, channels("ticker/A"), null);
            slow.acceptBatches = false;
            f.publish("ticker/A", "1");
            assertEquals(List.of(), slow.data);
            assertEquals(List.of("ticker/A 1"), fine.data);
            assertEquals(List.of(DisconnectReason.SLOW_CONSUMER), slow.disconnects);
            f.publish("ticker/A", "2");
            assertEquals(List.of(), slow.data, "a disconnected subscriber gets nothing more");
            assertEquals(List.of("ticker/A 1", "ticker/A 2"), fine.data);
        }
    }

    @Test
    void catchUpHonoursTheLimitAndSaysMoreRemain() {
        try (HubFixture f = new HubFixture(RingLimits.DEFAULT)) {
            var s = new HubFixture.Recorder();
            f.shard().subscribe(s, channels("ticker/A"), null);
            String start = f.shard().cursorOf(s);
            for (int i = 0; i < 5; i++) {
                f.publish("ticker/A", Integer.toString(i));
            }
            CatchUpReader reader = f.hub.reader();
            try (CatchUp c = reader.read(channels("ticker/A"), f.hub.cursors().decode(start), 3, f.shard().delivered())) {
                assertEquals(3, c.items().size());
                assertTrue(c.more());
                try (CatchUp rest = reader.read(channels("ticker/A"), c.position(), 3, f.shard().delivered())) {
                    assertEquals(2, rest.items().size());
                    assertTrue(!rest.more());
                    assertEquals("4", new String(rest.items().get(1).event().data()));
                }
            }
        }
    }

    @Test
    void removedSubscriberGetsNothingAndCountsDown() {
        try (HubFixture f = new HubFixture(RingLimits.DEFAULT)) {
            var s = new HubFixture.Recorder();
            f.shard().subscribe(s, channels("ticker/A", "ticker/B"), null);
            assertEquals(1, f.shard().subscribers());
            f.shard().remove(s);
            f.shard().remove(s);
            assertEquals(0, f.shard().subscribers());
            f.publish("ticker/A", "1");
            assertTrue(s.data.isEmpty());
            assertTrue(f.shard().channelsOf(s).isEmpty());
        }
    }

    @Test
    void aWaveOfLeavesInAnyOrderLeavesExactlyTheOthersSubscribedEvenWhenSomeLeaveDuringDelivery() {
        try (HubFixture f = new HubFixture(RingLimits.DEFAULT)) {
            java.util.Random random = new java.util.Random(7);
            int n = 300;
            List<HubFixture.Recorder> all = new java.util.ArrayList<>();
            for (int i = 0; i < n; i++) {
                var s = new HubFixture.Recorder();
                // a third of them also take the whole stream, a third a second channel
                String[] names = switch (i % 3) {
                    case 0 -> new String[] {"ticker/A"};
                    case 1 -> new String[] {"ticker/A", "claps/p"};
                    default -> new String[] {"claps/p", "ticker/*"};
                };
                f.shard().subscribe(s, channels(names), null);
                all.add(s);
            }
            // one of them, when it gets claps/p 1, makes a tenth of the others leave: during the delivery
            List<HubFixture.Recorder> leaveDuring = new java.util.ArrayList<>(all.subList(0, n / 10));
            var trigger = new HubFixture.Recorder() {
                @Override
                public int write(Event e, PartitionSet set, String cursor, boolean snapshot, long conflated) {
                    if (e.channelText().equals("claps/p")) {
                        leaveDuring.forEach(f.shard()::remove);
                    }
                    return super.write(e, set, cursor, snapshot, conflated);
                }
            };
            f.shard().subscribe(trigger, channels("claps/p"), null);
            f.publish("claps/p", "1");
            for (HubFixture.Recorder s : all) {
                int i = all.indexOf(s);
                if (i % 3 != 0) {
                    assertEquals(List.of("claps/p 1"), s.data, "subscriber " + i + " got the event it was there for");
                }
            }

            List<HubFixture.Recorder> rest = new java.util.ArrayList<>(all.subList(n / 10, n));
            java.util.Collections.shuffle(rest, random);
            java.util.Set<HubFixture.Recorder> gone = new java.util.HashSet<>(leaveDuring);
            java.util.Set<HubFixture.Recorder> leftTicker = new java.util.HashSet<>();
            for (HubFixture.Recorder s : rest.subList(0, rest.size() / 2)) {
                if (random.nextBoolean()) {
                    f.shard().remove(s);
                    gone.add(s);
                } else {
                    f.shard().unsubscribe(s, channels(all.indexOf(s) % 3 == 2 ? "ticker/*" : "ticker/A"));
                    leftTicker.add(s);
                }
            }
            all.forEach(s -> s.data.clear());
            f.publish("ticker/A", "2");
            f.publish("claps/p", "3");
            for (int i = 0; i < n; i++) {
                HubFixture.Recorder s = all.get(i);
                List<String> expected = new java.util.ArrayList<>();
                if (!gone.contains(s)) {
                    if (!leftTicker.contains(s)) {
                        expected.add("ticker/A 2");
                    }
                    if (i % 3 != 0) {
                        expected.add("claps/p 3");
                    }
                }
                assertEquals(expected, s.data, "subscriber " + i);
            }
            assertEquals(n + 1 - gone.size() - leftTicker.stream().filter(s -> all.indexOf(s) % 3 == 0).count(),
                    f.shard().subscribers());
        }
    }

    @Test
    void aResumeLongerThanAPageGoesOutPageByPageAndWaitsWhileTheSubscriberCannotTakeMore() {
        try (HubFixture f = new HubFixture(RingLimits.DEFAULT)) {
            var first = new HubFixture.Recorder();
            f.shard().subscribe(first, channels("ticker/A", "claps/p"), null);
            String start = f.shard().cursorOf(first);
            f.shard().remove(first);
            int retained = Shard.PAGE + Shard.PAGE / 2;
            for (int i = 0; i < retained; i++) {
                f.publish(i % 2 == 0 ? "ticker/A" : "claps/p", Integer.toString(i));
            }

            var slow = new HubFixture.Recorder();
            slow.acceptBatches = false; // its connection is full after the first page
            f.shard().subscribe(slow, channels("ticker/A", "claps/p"), f.hub.cursors().decode(start));
            assertEquals(Shard.PAGE, slow.data.size(), "one page, then it waits");
            f.publish("ticker/A", "1001");
            assertEquals(Shard.PAGE, slow.data.size(), "no live event jumps ahead of the rest of the resume");
            assertTrue(slow.disconnects.isEmpty(), "a resume waits for a full connection, it does not drop it");

            slow.acceptBatches = true;
            f.shard().resume(slow);
            f.publish("claps/p", "1002");
            List<String> expected = new java.util.ArrayList<>();
            for (int i = 0; i < retained; i++) {
                expected.add((i % 2 == 0 ? "ticker/A " : "claps/p ") + i);
            }
            expected.add("ticker/A 1001");
            expected.add("claps/p 1002");
            assertEquals(expected, slow.data);
            assertTrue(slow.gaps.isEmpty());
            long[] last = f.hub.cursors().decode(slow.lastCursor());
            assertTrue(f.hub.cursors().setOf(channels("ticker/A", "claps/p")).covers(last, f.hub.live()),
                    "its cursor ends at the node's live position on its partitions");
        }
    }

    @Test
    void aSubscriberThatThrowsIsDisconnectedAndTheOthersGetTheirEvents() {
        try (HubFixture f = new HubFixture(RingLimits.DEFAULT)) {
            var broken = new HubFixture.Recorder() {
                @Override
                public int write(Event e, PartitionSet set, String cursor, boolean snapshot, long conflated) {
                    throw new IllegalStateException("boom");
                }
            };
            var endsBadly = new HubFixture.Recorder() {
                @Override
                public void endBatch(Runnable written) {
                    super.endBatch(written);
                    if (!data.isEmpty()) {
                        throw new IllegalStateException("boom at flush");
                    }
                }
            };
            var fine = new HubFixture.Recorder();
            f.shard().subscribe(broken, channels("ticker/A"), null);
            f.shard().subscribe(endsBadly, channels("ticker/A"), null);
            f.shard().subscribe(fine, channels("ticker/A"), null);
            int flushesBefore = fine.flushes;
            f.publish("ticker/A", "1");
            f.publish("ticker/A", "2");

            assertEquals(List.of("ticker/A 1", "ticker/A 2"), fine.data);
            assertEquals(flushesBefore + 2, fine.flushes, "the others are still flushed every batch");
            assertEquals(List.of(DisconnectReason.INTERNAL_ERROR), broken.disconnects);
            assertEquals(List.of(DisconnectReason.INTERNAL_ERROR), endsBadly.disconnects);
            assertEquals(List.of("ticker/A 1"), endsBadly.data, "nothing more after its failure");
            assertEquals(1, f.shard().subscribers());
        }
    }

    @Test
    void aSlowSubscriberOfAConflatingStreamGetsOnlyTheLatestOfEachChannelMarkedOnceItDrains() {
        try (HubFixture f = new HubFixture(RingLimits.DEFAULT)) {
            var slow = new HubFixture.Recorder();
            f.shard().subscribe(slow, channels("ticker/*"), null);
            f.publish("ticker/A", "1");
            slow.acceptBatches = false;
            f.publish("ticker/A", "2");
            f.publish("ticker/A", "3");
            f.publish("ticker/B", "1");
            assertEquals(List.of("ticker/A 1"), slow.data, "nothing while its buffer is full");
            assertTrue(slow.disconnects.isEmpty(), "never disconnected for being slow");

            slow.acceptBatches = true;
            f.shard().resume(slow);
            assertEquals(List.of("ticker/A 1", "ticker/A 3 (1 conflated)", "ticker/B 1"), slow.data);
            long[] last = f.hub.cursors().decode(slow.lastCursor());
            assertTrue(f.hub.cursors().setOf(channels("ticker/*")).covers(last, f.hub.live()),
                    "its cursor is the node's live position on the ticker's partitions");
            f.publish("ticker/A", "4");
            assertEquals("ticker/A 4", slow.data.get(slow.data.size() - 1), "live again");
            assertEquals(1, f.shard().stats().conflated(Style.SSE));
            f.shard().remove(slow);
        }
    }

    @Test
    void aSlowSubscriberWithALosslessChannelIsDisconnectedWhenItsEventComesAndReleasesWhatItHeld() {
        DeliveryPolicy tickerConflates = new DeliveryPolicy(java.util.Set.of("ticker"), 1024);
        try (HubFixture f = new HubFixture(RingLimits.DEFAULT, HubFixture.TICKER_ID, tickerConflates)) {
            var slow = new HubFixture.Recorder();
            f.shard().subscribe(slow, channels("ticker/A", "claps/p"), null);
            slow.acceptBatches = false;
            f.publish("ticker/A", "1");
            assertTrue(slow.disconnects.isEmpty(), "a ticker event is held");
            f.publish("claps/p", "1");
            assertEquals(List.of(DisconnectReason.SLOW_CONSUMER), slow.disconnects, "a lossless event cannot be held");
            assertEquals(List.of(), slow.data);
        }
    }

    @Test
    void maxRateLetsOneEventPerIntervalThroughAndAlwaysTheLastOne() {
        String[] k = keysSharingAPartitionAndOneApart();
        String a = "ticker/" + k[0];
        String b = "ticker/" + k[2]; // in the other partition: nothing of A's holds it up
        try (HubFixture f = new HubFixture(RingLimits.DEFAULT)) {
            var s = new HubFixture.Recorder();
            f.shard().subscribe(s, channels("ticker/*"), null, 2); // one per 500 ms per channel
            f.publish(a, "1");
            f.publish(a, "2");
            f.publish(a, "3");
            f.publish(b, "1");
            assertEquals(List.of(a + " 1", b + " 1"), s.data, "A's later events wait; B has its own interval");
            f.timers.advance(499_000_000L);
            assertEquals(2, s.data.size());
            f.timers.advance(1_000_000L);
            assertEquals(List.of(a + " 1", b + " 1", a + " 3 (1 conflated)"), s.data, "the last one, marked");
            f.timers.advance(600_000_000L);
            f.publish(a, "4");
            assertEquals(a + " 4", s.data.get(s.data.size() - 1), "an event after the interval goes at once");
            long[] last = f.hub.cursors().decode(s.lastCursor());
            assertTrue(f.hub.cursors().setOf(channels("ticker/*")).covers(last, f.hub.live()));
            f.shard().remove(s);
        }
    }

    @Test
    void latencyIsSampledOncePerBatchAndStyle() {
        try (HubFixture f = new HubFixture(RingLimits.DEFAULT)) {
            var a = new HubFixture.Recorder();
            var b = new HubFixture.Recorder();
            f.shard().subscribe(a, channels("ticker/A"), null);
            f.shard().subscribe(b, channels("ticker/A"), null);
            f.publish("ticker/A", "1");
            f.publish("ticker/A", "2");
            assertEquals(List.of("sse", "sse"), f.samples, "one sample per batch, not per subscriber");
            assertEquals(4, f.shard().stats().deliveries(Style.SSE));
        }
    }

    @Test
    void everyBatchThatReachesSubscribersReportsItsFanOutTimeOnce() {
        try (HubFixture f = new HubFixture(RingLimits.DEFAULT)) {
            f.publish("ticker/A", "0");
            assertEquals(List.of(), f.fanouts, "nobody to deliver to: nothing to time");
            var a = new HubFixture.Recorder();
            var b = new HubFixture.Recorder();
            f.shard().subscribe(a, channels("ticker/A"), null);
            f.shard().subscribe(b, channels("ticker/*"), null);
            long before = System.nanoTime();
            f.publish("ticker/A", "1");
            f.publish("claps/p", "2");
            long after = System.nanoTime();
            assertEquals(1, f.fanouts.size(), "one per batch that had subscribers, not per subscriber: " + f.fanouts);
            long nanos = f.fanouts.get(0);
            assertTrue(nanos >= 0 && nanos <= after - before, "from ingest to its last flush, on the node's clock: " + nanos);
        }
    }

    /** Keys of the ticker stream (2 partitions in the fixture): two in one partition, one in the other. */
    private static String[] keysSharingAPartitionAndOneApart() {
        String first = null;
        String second = null;
        String other = null;
        for (int i = 0; first == null || second == null || other == null; i++) {
            String key = "K" + i;
            int p = StreamLayout.partitionOf(key.getBytes(java.nio.charset.StandardCharsets.UTF_8), 2);
            if (p == 0 && first == null) {
                first = key;
            } else if (p == 0 && second == null) {
                second = key;
            } else if (p == 1 && other == null) {
                other = key;
            }
        }
        return new String[] {first, second, other};
    }

    @Test
    void whileMaxRateHoldsAnEventTheCursorNeverPassesItAndItsPartitionWaitsBehindIt() {
        String[] k = keysSharingAPartitionAndOneApart();
        String a = "ticker/" + k[0];
        String b = "ticker/" + k[1];
        String c = "ticker/" + k[2];
        try (HubFixture f = new HubFixture(RingLimits.DEFAULT)) {
            var s = new HubFixture.Recorder();
            f.shard().subscribe(s, channels("ticker/*"), null, 2); // one per 500 ms per channel
            f.publish(a, "1");
            f.publish(a, "2"); // held: too soon after a 1
            f.publish(b, "1"); // its partition holds a 2: waits behind it
            f.publish(c, "1"); // another partition: goes at once
            assertEquals(List.of(a + " 1", c + " 1"), s.data);

            // Resuming from what it has yields exactly what it is owed: nothing lost, nothing twice.
            var resumed = new HubFixture.Recorder();
            f.shard().subscribe(resumed, channels("ticker/*"), f.hub.cursors().decode(s.lastCursor()));
            assertEquals(List.of(a + " 2", b + " 1"), resumed.data);

            f.timers.advance(500_000_000L);
            assertEquals(List.of(a + " 1", c + " 1", a + " 2", b + " 1"), s.data, "in order once due");
            var after = new HubFixture.Recorder();
            f.shard().subscribe(after, channels("ticker/*"), f.hub.cursors().decode(s.lastCursor()));
            assertEquals(List.of(), after.data, "its cursor is past all of it now");
        }
    }
}
