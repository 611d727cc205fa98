package dev.fanfare.feed;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class PacerTest {

    private static final long MS = TimeUnit.MILLISECONDS.toNanos(1);
    private static final long S = TimeUnit.SECONDS.toNanos(1);

    @Test
    void steadyRateSendsExactlyRateTimesSeconds() {
        Pacer pacer = Pacer.steady(20);
        long total = 0;
        for (long t = 0; t <= 10 * S; t += 10 * MS) {
            total += pacer.due(t);
        }
        assertEquals(200, total);
        assertEquals(0, pacer.lagged());
    }

    @Test
    void irregularWakeUpsNeitherDriftNorLose() {
        Pacer pacer = Pacer.steady(37.5);
        Random random = new Random(1);
        long total = 0;
        long t = 0;
        while (t < 60 * S) {
            t = Math.min(60 * S, t + random.nextInt(200) * MS);
            total += pacer.due(t);
        }
        assertEquals(2250, total);
    }

    @Test
    void burstsMultiplyTheRateForTheirLength() {
        Pacer pacer = new Pacer(20, 5, 30 * S, S);
        long total = 0;
        long inBurst = 0;
        for (long t = 10 * MS; t <= 60 * S; t += 10 * MS) {
            long due = pacer.due(t);
            total += due;
            if (pacer.inBurst(t - 1)) {
                inBurst += due;
            }
        }
        // 60 s at 20/s, plus the burst [30 s, 31 s) at 4 x 20 extra; the next one starts at 60 s, the end.
        assertEquals(20 * 60 + 4 * 20, total);
        // 100/s for one second; floating-point rounding may move one event across the burst's edges.
        assertTrue(inBurst >= 99 && inBurst <= 101, "events during the burst: " + inBurst);
        assertFalse(pacer.inBurst(0));
        assertTrue(pacer.inBurst(30 * S));
        assertFalse(pacer.inBurst(31 * S));
    }

    @Test
    void fallingBehindMoreThanASecondWritesTheExcessOff() {
        Pacer pacer = Pacer.steady(20);
        assertEquals(20, pacer.due(5 * S));
        assertEquals(80, pacer.lagged());
        assertEquals(2, pacer.due(5 * S + 100 * MS));
    }

    @Test
    void zeroRateSendsNothing() {
        Pacer pacer = Pacer.steady(0);
        assertEquals(0, pacer.due(100 * S));
        assertEquals(0, pacer.lagged());
    }
}
