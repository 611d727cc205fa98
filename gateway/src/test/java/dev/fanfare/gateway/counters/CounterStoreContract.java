package dev.fanfare.gateway.counters;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The behaviour every {@link CounterStore} shares; one subclass per store. */
abstract class CounterStoreContract {

    static final int CAP = 50;
    static final String PARTITION = "fanfare.actions:0";

    CounterStore store;

    /** A store with no data. */
    abstract CounterStore newEmptyStore();

    @BeforeEach
    void createStore() {
        store = newEmptyStore();
    }

    @AfterEach
    void closeStore() {
        store.close();
    }

    @Test
    void reservesUpToTheCapAndRefusesBeyondIt() {
        assertEquals(30, store.reserveClaps("p1", "u1", 30, CAP).userClaps());
        ClapReservation full = store.reserveClaps("p1", "u1", 20, CAP);
        assertTrue(full.accepted());
        assertEquals(50, full.userClaps());

        ClapReservation refused = store.reserveClaps("p1", "u1", 1, CAP);
        assertFalse(refused.accepted());
        assertEquals(50, refused.userClaps());

        assertTrue(store.reserveClaps("p1", "u2", 50, CAP).accepted(), "another user has a cap of their own");
        assertTrue(store.reserveClaps("p2", "u1", 50, CAP).accepted(), "another post has a cap of its own");
    }

    @Test
    void reservationIdsAreDistinct() {
        long first = store.reserveClaps("p1", "u1", 1, CAP).id();
        long second = store.reserveClaps("p1", "u1", 1, CAP).id();
        long third = store.reserveClaps("p2", "u2", 1, CAP).id();
        assertTrue(first > 0 && second > 0 && third > 0);
        assertEquals(3, List.of(first, second, third).stream().distinct().count());
    }

    @Test
    void concurrentReservationsNeverPassTheCap() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<Long>> clients = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                clients.add(pool.submit(() -> {
                    long accepted = 0;
                    for (int attempt = 0; attempt < 40; attempt++) {
                        int count = 1 + ThreadLocalRandom.current().nextInt(3);
                        if (store.reserveClaps("p1", "u1", count, CAP).accepted()) {
                            accepted += count;
                        }
                    }
                    return accepted;
                }));
            }
            long total = 0;
            for (Future<Long> client : clients) {
                total += client.get();
            }
            ClapReservation after = store.reserveClaps("p1", "u1", CAP, CAP);
            assertFalse(after.accepted());
            assertEquals(total, after.userClaps(), "every accepted clap is reserved, and nothing else");
            assertTrue(total <= CAP && total >= CAP - 2, "the cap is filled and never passed: " + total);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void applyingTheSameOffsetTwiceCountsOnce() {
        // Without a reservation, so only the offset can tell the redelivery.
        List<LoggedAction> batch = List.of(
                new LoggedAction(0, CounterAction.clap("p1", "u1", 3, CounterAction.NO_RESERVATION)));

        AppliedBatch first = store.apply(PARTITION, batch, false);
        AppliedBatch again = store.apply(PARTITION, batch, true);

        assertEquals(List.of(new PostTotals("p1", 3, 0)), first.totals());
        assertEquals(List.of(new PostTotals("p1", 3, 0)), again.totals(), "the redelivery is skipped");
        assertEquals(0, again.appliedThrough());
        assertEquals(new PostTotals("p1", 3, 0), store.totals("p1"));
    }

    @Test
    void aBatchOverlappingTheAppliedOffsetAppliesOnlyTheNewActions() {
        store.apply(PARTITION, List.of(
                new LoggedAction(0, CounterAction.clap("p1", "u1", 2, CounterAction.NO_RESERVATION)),
                new LoggedAction(1, CounterAction.clap("p1", "u2", 3, CounterAction.NO_RESERVATION))), false);

        AppliedBatch overlap = store.apply(PARTITION, List.of(
                new LoggedAction(1, CounterAction.clap("p1", "u2", 3, CounterAction.NO_RESERVATION)),
                new LoggedAction(2, CounterAction.clap("p2", "u1", 4, CounterAction.NO_RESERVATION)),
                new LoggedAction(3, CounterAction.like("p1", "u3"))), true);

        assertEquals(3, overlap.appliedThrough());
        assertEquals(List.of(new PostTotals("p1", 5, 1), new PostTotals("p2", 4, 0)), overlap.totals(),
                "totals of every post named, in order of first mention, including skipped ones");
        assertEquals(3, store.appliedOffset(PARTITION));
    }

    @Test
    void offsetsArePerPartition() {
        store.apply("fanfare.actions:0", List.of(new LoggedAction(7, CounterAction.like("p1", "u1"))), false);
        store.apply("fanfare.actions:1", List.of(new LoggedAction(2, CounterAction.like("p2", "u1"))), false);

        assertEquals(7, store.appliedOffset("fanfare.actions:0"));
        assertEquals(2, store.appliedOffset("fanfare.actions:1"));
        assertEquals(-1, store.appliedOffset("fanfare.actions:2"));
        assertEquals(new PostTotals("p2", 0, 1), store.totals("p2"));
    }

    @Test
    void likesAreIdempotentPerUserAndUnlikingWhatIsNotLikedChangesNothing() {
        List<CounterAction> actions = List.of(
                CounterAction.like("p1", "u1"),
                CounterAction.like("p1", "u1"),
                CounterAction.unlike("p1", "u2"),
                CounterAction.like("p1", "u2"),
                CounterAction.unlike("p1", "u1"),
                CounterAction.unlike("p1", "u1"));
        List<Long> likes = new ArrayList<>();
        for (int i = 0; i < actions.size(); i++) {
            likes.add(store.apply(PARTITION, List.of(new LoggedAction(i, actions.get(i))), i > 0)
                    .totals().get(0).likes());
        }
        assertEquals(List.of(1L, 1L, 1L, 2L, 1L, 1L), likes);
        assertEquals(new PostTotals("p1", 0, 1), store.totals("p1"));
    }

    @Test
    void aReleasedReservationIsNeverCountedEvenIfItsRecordArrives() {
        ClapReservation reservation = store.reserveClaps("p1", "u1", 10, CAP);

        assertEquals(ReleaseOutcome.RELEASED, store.releaseClaps("p1", "u1", reservation.id()));
        assertEquals(ReleaseOutcome.RELEASED, store.releaseClaps("p1", "u1", reservation.id()),
                "releasing twice changes nothing more");
        AppliedBatch late = store.apply(PARTITION,
                List.of(new LoggedAction(0, CounterAction.clap("p1", "u1", 10, reservation.id()))), false);

        assertEquals(List.of(new PostTotals("p1", 0, 0)), late.totals());
        assertEquals(0, late.appliedThrough(), "the offset still advances");
        assertTrue(store.reserveClaps("p1", "u1", CAP, CAP).accepted(), "the released claps are free again");
    }

    @Test
    void releasingAnAppliedReservationReportsThatTheClapStands() {
        ClapReservation reservation = store.reserveClaps("p1", "u1", 10, CAP);
        store.apply(PARTITION, List.of(new LoggedAction(0, CounterAction.clap("p1", "u1", 10, reservation.id()))),
                false);

        assertEquals(ReleaseOutcome.ALREADY_APPLIED, store.releaseClaps("p1", "u1", reservation.id()));
        assertEquals(new PostTotals("p1", 10, 0), store.totals("p1"));
        ClapReservation rest = store.reserveClaps("p1", "u1", 41, CAP);
        assertFalse(rest.accepted(), "the applied claps still use the cap");
        assertEquals(10, rest.userClaps());
    }

    @Test
    void releasingAReservationTheStoreNeverMadeIsUnknown() {
        assertEquals(ReleaseOutcome.UNKNOWN, store.releaseClaps("p1", "u1", 12345));
    }

    @Test
    void aReservationIsCountedOnceEvenWhenTwoRecordsNameIt() {
        long reservation = store.reserveClaps("p1", "u1", 5, CAP).id();
        store.apply(PARTITION, List.of(
                new LoggedAction(0, CounterAction.clap("p1", "u1", 5, reservation)),
                new LoggedAction(1, CounterAction.clap("p1", "u1", 5, reservation))), false);

        assertEquals(new PostTotals("p1", 5, 0), store.totals("p1"));
    }

    @Test
    void clapsWithoutAKnownReservationRebuildTheUsersCapFromTheLog() {
        store.apply(PARTITION, List.of(
                new LoggedAction(0, CounterAction.clap("p1", "u1", 40, CounterAction.NO_RESERVATION)),
                new LoggedAction(1, CounterAction.clap("p1", "u1", 5, 999))), false);

        ClapReservation refused = store.reserveClaps("p1", "u1", 6, CAP);
        assertFalse(refused.accepted());
        assertEquals(45, refused.userClaps());
        assertEquals(new PostTotals("p1", 45, 0), store.totals("p1"));
    }

    @Test
    void aMissingRequiredOffsetIsReportedAndNothingIsApplied() {
        AppliedBatch batch = store.apply(PARTITION, List.of(new LoggedAction(5, CounterAction.like("p1", "u1"))),
                true);

        assertTrue(batch.offsetMissing());
        assertEquals(-1, store.appliedOffset(PARTITION));
        assertEquals(new PostTotals("p1", 0, 0), store.totals("p1"));
    }

    @Test
    void anUndecodableRecordOnlyAdvancesTheOffset() {
        AppliedBatch batch = store.apply(PARTITION, List.of(new LoggedAction(0, CounterAction.noop())), false);

        assertEquals(0, batch.appliedThrough());
        assertEquals(List.of(), batch.totals());
        assertEquals(0, store.appliedOffset(PARTITION));
    }

    @Test
    void totalsOfAPostWithoutActionsAreZero() {
        assertEquals(new PostTotals("nothing-here", 0, 0), store.totals("nothing-here"));
    }
}
