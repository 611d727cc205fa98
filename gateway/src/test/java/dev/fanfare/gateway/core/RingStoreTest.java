package dev.fanfare.gateway.core;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.UnpooledByteBufAllocator;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Every event a test makes is appended with one extra reference that the test keeps, so an event
 * the store still holds has {@code refCnt() == 2} and one it let go of has 1. After each test the
 * store is cleared and the test's references released: every event must then be at 0.
 */
class RingStoreTest {

    private static final ByteBufAllocator ALLOC = UnpooledByteBufAllocator.DEFAULT;
    /** ticker: partitions 0 and 1 (global 0, 1); claps: partitions 0 and 1 (global 2, 3). */
    private static final StreamLayout LAYOUT = StreamLayout.of(List.of("ticker", "claps"), List.of("t.ticker", "t.claps"),
            List.of(UUID.fromString("00000000-0000-0000-0000-000000000001"),
                    UUID.fromString("00000000-0000-0000-0000-000000000002")),
            List.of(2, 2));

    // Channels of one name length, so that all their events take the same room.
    private static final Cursors CURSORS = new Cursors(LAYOUT);
    private static final String A = ticker(0, 0);
    private static final String B = ticker(0, 1);
    private static final String C = ticker(0, 2);
    private static final String D = ticker(1, 0);
    private static final String CLAP = "claps/k00";
    private static final String TICKER_ALL = "ticker/*";
    private static final long ALL = Long.MAX_VALUE;

    private static final RingLimits ROOMY = new RingLimits(1 << 20, 1000, 1000, 1000);

    private final List<Event> made = new ArrayList<>();
    private long[] nextOffset = new long[LAYOUT.totalPartitions()];
    private long nextSeq;
    private RingStore store;

    /** The {@code nth} key (k00, k01, ...) of the ticker stream that falls in {@code partition}, as a channel. */
    private static String ticker(int partition, int nth) {
        int found = 0;
        for (int i = 0; ; i++) {
            String key = String.format("k%02d", i);
            if (StreamLayout.partitionOf(key.getBytes(StandardCharsets.UTF_8), 2) == partition && found++ == nth) {
                return "ticker/" + key;
            }
        }
    }

    private static Event event(String channel, int global, long offset, long seq, long[] vector) {
        ChannelName c = ChannelName.parse(channel);
        return new Event(ALLOC, c, LAYOUT.require(c).index(), global, offset, 1000 + seq, seq, vector,
                CURSORS, "\"v\"".getBytes(StandardCharsets.US_ASCII));
    }

    private static int globalOf(String channel) {
        ChannelName c = ChannelName.parse(channel);
        StreamLayout.Stream s = LAYOUT.require(c);
        return s.global(StreamLayout.partitionOf(c.key().getBytes(StandardCharsets.UTF_8), s.partitions()));
    }

    /** What one event of these tests counts against the byte bound. */
    private static int bytesOfOneEvent() {
        Event probe = event(A, 0, 0, 0, new long[LAYOUT.totalPartitions()]);
        try {
            return probe.retainedBytes();
        } finally {
            probe.release();
        }
    }

    private RingStore store(RingLimits limits, long... start) {
        long[] s = start.length == 0 ? new long[LAYOUT.totalPartitions()] : start;
        nextOffset = s.clone();
        store = new RingStore(LAYOUT, limits, s);
        return store;
    }

    /** Appends one event per channel, in order, each at the next offset of its partition; the test keeps a reference too. */
    private void append(String... channels) {
        for (String channel : channels) {
            int g = globalOf(channel);
            long offset = nextOffset[g]++;
            Event e = event(channel, g, offset, nextSeq++, nextOffset.clone());
            made.add(e);
            e.retain();
            store.append(e);
        }
    }

    /** The event this test appended on {@code channel} at {@code offset} of its partition. */
    private Event ev(String channel, long offset) {
        return made.stream().filter(e -> e.channelText().equals(channel) && e.offset() == offset).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no event " + channel + " at " + offset));
    }

    /** The events the store holds, oldest first (valid while no {@link RingStore.Found} is unreleased). */
    private List<Event> held() {
        return made.stream().filter(e -> e.refCnt() > 1).toList();
    }

    private static List<ChannelName> channels(String... names) {
        return Arrays.stream(names).map(ChannelName::parse).toList();
    }

    /** Runs {@code check} on what {@code find} returns, then releases it. */
    private void find(long[] from, long maxSeq, List<String> names, Consumer<RingStore.Found> check) {
        RingStore.Found f = store.find(channels(names.toArray(String[]::new)), from, maxSeq);
        try {
            check.accept(f);
        } finally {
            f.release();
        }
    }

    /** Asserts what a read from {@code from} of {@code names} returns: events, gaps and gap floors (null: none). */
    private void assertFound(long[] from, long maxSeq, List<String> names, List<Event> events, List<String> gaps,
                             long[] gapFloors) {
        find(from, maxSeq, names, f -> {
            assertEquals(events, f.events(), "events");
            assertEquals(channels(gaps.toArray(String[]::new)), f.gaps(), "gaps");
            assertArrayEquals(gapFloors, f.gapFloors(), () -> "gapFloors " + Arrays.toString(f.gapFloors()));
        });
    }

    /** A read of every position up to {@code maxSeq} that must find no gap. */
    private void assertNoGap(long[] from, List<String> names, List<Event> events) {
        assertFound(from, ALL, names, events, List.of(), null);
    }

    private static long[] at(long... positions) {
        return positions;
    }

    @AfterEach
    void clearAndReleaseEverything() {
        if (store != null) {
            store.clear();
        }
        made.forEach(Event::release);
        for (Event e : made) {
            assertEquals(0, e.refCnt(), () -> e + " still referenced");
        }
    }

    @Test
    void perChannelBoundEvictsTheChannelsOldestAndRaisesItsFloor() {
        store(new RingLimits(1 << 20, 1000, 2, 1000));
        append(A, B, A, A);
        assertEquals(List.of(ev(B, 1), ev(A, 2), ev(A, 3)), held(), "A's oldest evicted, B's event kept");
        assertEquals(1, ev(A, 0).refCnt(), "the store released its reference to the evicted event");
        assertFound(at(0, 0, 0, 0), ALL, List.of(A), List.of(ev(A, 2), ev(A, 3)), List.of(A), at(1, -1, -1, -1));
        assertNoGap(at(1, 0, 0, 0), List.of(A), List.of(ev(A, 2), ev(A, 3)));
        assertNoGap(at(0, 0, 0, 0), List.of(B), List.of(ev(B, 1)));
    }

    @Test
    void nodeByteBoundEvictsTheNodesOldestFirstAcrossChannels() {
        store(new RingLimits(3L * bytesOfOneEvent(), 1000, 1000, 1000));
        append(A, D, B);
        assertEquals(List.of(ev(A, 0), ev(D, 0), ev(B, 1)), held(), "exactly at the bound: nothing evicted");

        append(D);
        assertEquals(List.of(ev(D, 0), ev(B, 1), ev(D, 1)), held(), "A's event was the node's oldest");
        assertFound(at(0, 0, 0, 0), ALL, List.of(A, D), List.of(ev(D, 0), ev(D, 1)), List.of(A), at(1, -1, -1, -1));

        // The bytes of every evicted event are given back: the store keeps holding three, not fewer.
        for (int i = 0; i < 9; i++) {
            append(i % 2 == 0 ? C : D);
            assertEquals(made.subList(made.size() - 3, made.size()), held());
        }
    }

    @Test
    void perChannelEvictionGivesItsBytesBackToTheNodeBound() {
        store(new RingLimits(2L * bytesOfOneEvent(), 1000, 1, 1000));
        append(A, A, B);
        assertEquals(List.of(ev(A, 1), ev(B, 2)), held());
    }

    @Test
    void anEventLargerThanTheByteBoundIsNotKept() {
        store(new RingLimits(bytesOfOneEvent() - 1, 1000, 1000, 1000));
        append(A);
        assertEquals(1, ev(A, 0).refCnt());
        assertFound(at(0, 0, 0, 0), ALL, List.of(A), List.of(), List.of(A), at(1, -1, -1, -1));
    }

    @Test
    void nodeEventBoundEvictsTheNodesOldestFirstAcrossChannels() {
        store(new RingLimits(1 << 20, 3, 1000, 1000));
        append(A, D, B, D);
        assertEquals(List.of(ev(D, 0), ev(B, 1), ev(D, 1)), held());
        assertEquals(1, ev(A, 0).refCnt());
        assertFound(at(0, 0, 0, 0), ALL, List.of(A), List.of(), List.of(A), at(1, -1, -1, -1));

        append(D);
        assertEquals(List.of(ev(B, 1), ev(D, 1), ev(D, 2)), held());
        assertFound(at(0, 0, 0, 0), ALL, List.of(D), List.of(ev(D, 1), ev(D, 2)), List.of(D), at(-1, 1, -1, -1));
    }

    @Test
    void eventBoundCountsOnlyTheEventsStillRetained() {
        store(new RingLimits(1 << 20, 2, 1, 1000));
        append(A, B, B);
        assertEquals(List.of(ev(A, 0), ev(B, 2)), held(), "two events retained, at the event bound of two");
        assertNoGap(at(0, 0, 0, 0), List.of(A), List.of(ev(A, 0)));
    }

    @Test
    void cursorAtOrAboveTheFloorGetsNoGapAndExactlyTheRetainedEventsAfterIt() {
        store(new RingLimits(1 << 20, 1000, 2, 1000));
        append(A, A, A, A);
        assertNoGap(at(2, 0, 0, 0), List.of(A), List.of(ev(A, 2), ev(A, 3)));
        assertNoGap(at(3, 0, 0, 0), List.of(A), List.of(ev(A, 3)));
        assertNoGap(at(4, 0, 0, 0), List.of(A), List.of());
    }

    @Test
    void cursorBelowTheFloorGetsAGapThenEverythingRetained() {
        store(new RingLimits(1 << 20, 1000, 2, 1000));
        append(A, A, A, A);
        List<Event> retained = List.of(ev(A, 2), ev(A, 3));
        assertFound(at(0, 0, 0, 0), ALL, List.of(A), retained, List.of(A), at(2, -1, -1, -1));
        assertFound(at(1, 0, 0, 0), ALL, List.of(A), retained, List.of(A), at(2, -1, -1, -1));
        assertFound(at(-1, -1, -1, -1), ALL, List.of(A), retained, List.of(A), at(2, -1, -1, -1));
    }

    @Test
    void eventsOfSeveralChannelsComeInDispatchOrder() {
        store(ROOMY);
        append(A, D, B, D, A);
        assertNoGap(at(0, 0, 0, 0), List.of(D, B, A), made);
        assertNoGap(at(1, 1, 0, 0), List.of(D, B, A), List.of(ev(B, 1), ev(D, 1), ev(A, 2)));
    }

    @Test
    void aKeyAndItsStreamWildcardTogetherReturnEachEventOnce() {
        store(ROOMY);
        append(A, D, CLAP);
        assertNoGap(at(0, 0, 0, 0), List.of(A, TICKER_ALL, A), List.of(ev(A, 0), ev(D, 0)));
    }

    @Test
    void channelWithoutARingFallsBackOnItsPartitionFloor() {
        store(new RingLimits(1 << 20, 1000, 1, 1000), 5, 0, 0, 0);
        // Before anything is evicted the floors are where the node started reading.
        assertFound(at(4, 0, 0, 0), ALL, List.of(C), List.of(), List.of(C), at(5, -1, -1, -1));
        assertNoGap(at(5, 0, 0, 0), List.of(C), List.of());

        append(A, A);
        // A's eviction raised partition 0's floor, which C (no ring) falls back on; partition 1 is untouched.
        assertFound(at(5, 0, 0, 0), ALL, List.of(C), List.of(), List.of(C), at(6, -1, -1, -1));
        assertNoGap(at(6, 0, 0, 0), List.of(C), List.of());
        assertNoGap(at(5, 0, 0, 0), List.of(D), List.of());
        assertNoGap(at(6, 0, 0, 0), List.of(A, C), List.of(ev(A, 6)));
    }

    @Test
    void aRingIsCreatedWithItsPartitionsFloor() {
        store(new RingLimits(1 << 20, 1000, 1, 1000), 5, 0, 0, 0);
        append(A, A, B);
        assertFound(at(5, 0, 0, 0), ALL, List.of(B), List.of(ev(B, 7)), List.of(B), at(6, -1, -1, -1));
        assertNoGap(at(6, 0, 0, 0), List.of(B), List.of(ev(B, 7)));
    }

    @Test
    void gapOnOneChannelDoesNotRaiseThePartitionSharedWithAChannelWithoutGap() {
        store(new RingLimits(1 << 20, 1000, 1, 1000));
        append(A, B, A, A);
        // A's floor is 3; B's ring (made when partition 0's floor was 0) still has everything from 1 on.
        assertFound(at(1, 0, 0, 0), ALL, List.of(A), List.of(ev(A, 3)), List.of(A), at(3, -1, -1, -1));
        assertFound(at(1, 0, 0, 0), ALL, List.of(A, B), List.of(ev(B, 1), ev(A, 3)), List.of(A), at(-1, -1, -1, -1));
        // Exactness is per partition: a channel without gap on another partition does not lower A's floor.
        assertFound(at(1, 0, 0, 0), ALL, List.of(A, D), List.of(ev(A, 3)), List.of(A), at(3, -1, -1, -1));
    }

    @Test
    void snapshotReadReturnsTheLatestEventOfEachChannelUpToMaxSeq() {
        store(ROOMY);
        append(A, B, A, B, D); // seq 0..4
        List<String> abd = List.of(A, B, D);
        assertFound(null, ALL, abd, List.of(ev(A, 2), ev(B, 3), ev(D, 0)), List.of(), null);
        assertFound(null, 3, abd, List.of(ev(A, 2), ev(B, 3)), List.of(), null);
        assertFound(null, 2, abd, List.of(ev(B, 1), ev(A, 2)), List.of(), null);
        assertFound(null, 0, abd, List.of(ev(A, 0)), List.of(), null);
        assertFound(null, ALL, List.of(TICKER_ALL), List.of(ev(A, 2), ev(B, 3), ev(D, 0)), List.of(), null);
    }

    @Test
    void snapshotReadReportsNoGapWhereEventsWereEvicted() {
        store(new RingLimits(1 << 20, 1000, 1, 1000));
        append(A, A);
        assertFound(null, ALL, List.of(A, C), List.of(ev(A, 1)), List.of(), null);
    }

    @Test
    void maxSeqExcludesLaterEventsFromACursorRead() {
        store(ROOMY);
        append(A, B, A, D); // seq 0..3
        List<String> abd = List.of(A, B, D);
        assertNoGap(at(0, 0, 0, 0), abd, made);
        assertFound(at(0, 0, 0, 0), 1, abd, List.of(ev(A, 0), ev(B, 1)), List.of(), null);
        assertFound(at(0, 0, 0, 0), -1, abd, List.of(), List.of(), null);
    }

    @Test
    void wildcardReadsEveryKeyOfTheStreamAndGapsByPartitionFloor() {
        store(new RingLimits(1 << 20, 1000, 1, 1000));
        append(A, D, B, CLAP, A);
        List<String> all = List.of(TICKER_ALL);
        List<Event> ticker = List.of(ev(D, 0), ev(B, 1), ev(A, 2));
        // Partition 0's floor is 1 (A's first event went): a gap on it, even though B's ring is complete.
        assertFound(at(0, 0, 0, 0), ALL, all, ticker, all, at(1, -1, -1, -1));
        assertNoGap(at(1, 0, 0, 0), all, ticker);
        assertNoGap(at(2, 1, 0, 0), all, List.of(ev(A, 2)));
    }

    @Test
    void ringFloorIsFinerThanThePartitionFloor() {
        store(new RingLimits(1 << 20, 1, 1000, 3));
        append(A, B, C);
        // A's ring kept its floor (1) though partition 0's is 2 now; B's is 2.
        assertNoGap(at(1, 0, 0, 0), List.of(A), List.of());
        assertFound(at(1, 0, 0, 0), ALL, List.of(B), List.of(), List.of(B), at(2, -1, -1, -1));
    }

    @Test
    void emptyRingsPastMaxChannelsAreForgottenAndFallBackOnThePartitionFloor() {
        store(new RingLimits(1 << 20, 1, 1000, 2));
        append(A, B, C);
        // Three rings, two allowed: A's (the first empty one) went, and with it its floor of 1.
        assertFound(at(1, 0, 0, 0), ALL, List.of(A), List.of(), List.of(A), at(2, -1, -1, -1));
        assertNoGap(at(2, 0, 0, 0), List.of(A, C), List.of(ev(C, 2)));
    }

    @Test
    void ringsThatHoldEventsAreKeptPastMaxChannels() {
        store(new RingLimits(1 << 20, 1000, 1000, 1));
        append(A, B, D);
        assertEquals(made, held());
        assertNoGap(at(0, 0, 0, 0), List.of(A, B, D), made);
    }

    @Test
    void findRetainsWhatItReturnsUntilReleased() {
        store(ROOMY);
        append(A, B);
        find(at(0, 0, 0, 0), ALL, List.of(A, B), f -> {
            assertEquals(made, f.events());
            assertEquals(List.of(3, 3), made.stream().map(Event::refCnt).toList());
            // The store letting go meanwhile does not free what the reader holds.
            store.clear();
            assertEquals(List.of(2, 2), made.stream().map(Event::refCnt).toList());
        });
        assertEquals(List.of(1, 1), made.stream().map(Event::refCnt).toList());
    }

    @Test
    void clearReleasesEveryEventAndEmptiesTheStore() {
        store(new RingLimits(1 << 20, 1000, 2, 1000));
        append(A, D, A, D, A, A);
        store.clear();
        for (Event e : made) {
            assertEquals(1, e.refCnt(), () -> e + ": the test's reference only");
        }
        assertFound(null, ALL, List.of(A, D, TICKER_ALL), List.of(), List.of(), null);
        // Clearing twice releases nothing twice (the test's own release, after each test, would throw).
        store.clear();
        append(A);
        assertNoGap(at(3, 0, 0, 0), List.of(A), List.of(ev(A, 4)));
    }
}
