package dev.fanfare.gateway.counters;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

class TotalsCoalescerTest {

    private static final long INTERVAL = 50;
    private final TotalsCoalescer coalescer = new TotalsCoalescer(INTERVAL, 3);

    @Test
    void aPostNotPublishedRecentlyIsDueAtOnce() {
        coalescer.offer(totals("p1", 1), 1_000);

        assertEquals(0, coalescer.nanosUntilNextDue(1_000));
        assertEquals(List.of(totals("p1", 1)), coalescer.takeDue(1_000));
        assertEquals(Long.MAX_VALUE, coalescer.nanosUntilNextDue(1_000));
    }

    @Test
    void updatesWithinTheIntervalAreCoalescedIntoTheLatest() {
        coalescer.offer(totals("p1", 1), 1_000);
        coalescer.takeDue(1_000);

        coalescer.offer(totals("p1", 2), 1_010);
        coalescer.offer(totals("p1", 3), 1_020);

        assertEquals(List.of(), coalescer.takeDue(1_049));
        assertEquals(1, coalescer.nanosUntilNextDue(1_049));
        assertEquals(List.of(totals("p1", 3)), coalescer.takeDue(1_050));
    }

    @Test
    void postsAreCoalescedIndependently() {
        coalescer.offer(totals("p1", 1), 1_000);
        coalescer.takeDue(1_000);

        coalescer.offer(totals("p1", 2), 1_010);
        coalescer.offer(totals("p2", 7), 1_010);

        assertEquals(List.of(totals("p2", 7)), coalescer.takeDue(1_010));
        assertEquals(List.of(totals("p1", 2)), coalescer.takeDue(1_050));
    }

    @Test
    void aPostQuietForAnIntervalIsDueAtOnceAgain() {
        coalescer.offer(totals("p1", 1), 1_000);
        coalescer.takeDue(1_000);

        coalescer.offer(totals("p1", 2), 1_100);

        assertEquals(List.of(totals("p1", 2)), coalescer.takeDue(1_100));
    }

    @Test
    void tooManyWaitingPostsArePublishedAtOnceRatherThanDropped() {
        for (String post : List.of("a", "b", "c", "d")) {
            coalescer.offer(totals(post, 1), 1_000);
        }
        coalescer.takeDue(1_000);
        for (String post : List.of("a", "b", "c", "d")) {
            coalescer.offer(totals(post, 2), 1_001);
        }

        assertEquals(4, coalescer.takeDue(1_001).size(), "over the bound of 3 waiting, all go out early");
        assertEquals(0, coalescer.waiting());
    }

    @Test
    void takeAllEmptiesTheWaitingTotals() {
        coalescer.offer(totals("p1", 1), 1_000);
        coalescer.takeDue(1_000);
        coalescer.offer(totals("p1", 2), 1_001);

        assertEquals(List.of(totals("p1", 2)), coalescer.takeAll(1_001));
        assertEquals(List.of(), coalescer.takeDue(2_000));
    }

    private static PostTotals totals(String post, long claps) {
        return new PostTotals(post, claps, 0);
    }
}
