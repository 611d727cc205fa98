package dev.fanfare.gateway.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.netty.channel.embedded.EmbeddedChannel;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The timer by the clock of an {@link EmbeddedChannel}'s loop, moved by hand. */
class LazyTimerTest {

    private static final long SECOND = TimeUnit.SECONDS.toNanos(1);

    private final EmbeddedChannel channel = new EmbeddedChannel();
    private final AtomicInteger expired = new AtomicInteger();
    private final LazyTimer timer = new LazyTimer(channel.eventLoop(), expired::incrementAndGet);

    @AfterEach
    void close() {
        channel.finishAndReleaseAll();
    }

    private int after(long seconds) {
        channel.advanceTimeBy(seconds, TimeUnit.SECONDS);
        channel.runScheduledPendingTasks();
        return expired.get();
    }

    @Test
    void expiresOnceAtItsDeadline() {
        timer.setIn(10 * SECOND);
        assertEquals(0, after(9));
        assertEquals(1, after(2));
        assertEquals(1, after(60), "once");
        assertFalse(timer.armed());
    }

    @Test
    void movedLaterItExpiresAtTheLaterDeadlineOnly() {
        timer.setIn(10 * SECOND);
        assertEquals(0, after(5));
        timer.setIn(10 * SECOND); // now due at 15 s
        assertEquals(0, after(6), "not at the first deadline (11 s)");
        assertEquals(1, after(5), "at the second (16 s)");
    }

    @Test
    void movedEarlierItExpiresAtTheEarlierDeadline() {
        timer.setIn(75 * SECOND);
        timer.setIn(10 * SECOND);
        assertEquals(1, after(11));
        assertEquals(1, after(75), "and not again at the first one");
    }

    @Test
    void clearedItDoesNotExpireAndSetAgainItDoes() {
        timer.setIn(10 * SECOND);
        timer.clear();
        assertEquals(0, after(20));
        timer.setIn(10 * SECOND);
        assertEquals(0, after(9));
        assertEquals(1, after(2));
    }

    @Test
    void stoppedItDoesNotExpire() {
        timer.setIn(10 * SECOND);
        timer.stop();
        assertEquals(0, after(20));
    }
}
