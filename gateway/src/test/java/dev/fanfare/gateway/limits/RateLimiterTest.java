package dev.fanfare.gateway.limits;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fanfare.gateway.core.ApiException;
import dev.fanfare.gateway.core.ErrorCode;
import java.net.InetAddress;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** Token buckets on a clock the test moves. */
class RateLimiterTest {

    private final AtomicLong now = new AtomicLong(1_000_000_000L);

    private void advance(long millis) {
        now.addAndGet(TimeUnit.MILLISECONDS.toNanos(millis));
    }

    @Test
    void aBurstIsTakenThenTheRestWaitsForTheRate() {
        RateLimiter l = new RateLimiter(new Rate(2, 3), now::get);
        for (int i = 0; i < 3; i++) {
            assertEquals(0, l.take("u"));
        }
        long wait = l.take("u");
        assertEquals(TimeUnit.MILLISECONDS.toNanos(500), wait, "one token per 500 ms at 2 per second");
        advance(499);
        assertTrue(l.take("u") > 0);
        advance(1);
        assertEquals(0, l.take("u"));
        assertEquals(0, l.take("v"), "another key has its own bucket");
    }

    @Test
    void aFloodOfNewKeysSharesOneBucketPastTheBound() {
        RateLimiter l = new RateLimiter(new Rate(1, 1), 3, now::get);
        for (int i = 0; i < 3; i++) {
            assertEquals(0, l.take("k" + i));
        }
        assertEquals(0, l.take("k3"), "the first past the bound takes the shared bucket's token");
        assertTrue(l.take("k4") > 0, "the next one past the bound finds it empty");
        assertEquals(3, l.tracked());
        advance(2000);
        assertEquals(0, l.take("k5"), "buckets that filled up again are forgotten to make room");
        assertTrue(l.tracked() <= 3);
    }

    @Test
    void offTakesEverything() {
        RateLimiter l = new RateLimiter(Rate.OFF, now::get);
        for (int i = 0; i < 1000; i++) {
            assertEquals(0, l.take("u"));
        }
        assertEquals(0, l.tracked());
    }

    @Test
    void ratesAreParsedAsOptionsGiveThem() {
        assertEquals(new Rate(20, 40), Rate.parse("20"));
        assertEquals(new Rate(5, 100), Rate.parse("5:100"));
        assertEquals(new Rate(0.5, 1), Rate.parse("0.5"));
        assertEquals(Rate.OFF, Rate.parse("0"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Rate.parse("fast"));
        assertEquals("rate: 'fast' (expected: N per second, or N:BURST, e.g. 20:40; 0: off)", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Rate.parse("-1"));
        assertThrows(IllegalArgumentException.class, () -> Rate.parse("5:0"));
    }

    @Test
    void clientLimitsRefuseWithWhenToRetryAndSpareExemptAddresses() throws Exception {
        InetAddress client = InetAddress.getByName("192.0.2.7");
        ClientLimits limits = new ClientLimits(new ClientLimits.Pair(new Rate(1, 1), Rate.OFF),
                new ClientLimits.Pair(Rate.OFF, new Rate(0.25, 2)), AddressBlocks.parse(List.of("10.0.0.0/8")), now::get);
        limits.publish("alice", client);
        ApiException e = assertThrows(ApiException.class, () -> limits.publish("alice", client));
        assertEquals(ErrorCode.RATE_LIMITED, e.code());
        assertEquals(1, e.retryAfterSeconds());
        assertEquals("publishes: too many from this user (expected: at most 1 per second, bursts of 1; retry after 1 s)",
                e.getMessage());
        limits.publish("bob", client);
        limits.count(null, client);
        limits.count("carol", client);
        ApiException perAddress = assertThrows(ApiException.class, () -> limits.count("dave", client));
        assertEquals(4, perAddress.retryAfterSeconds(), "one clap per 4 s for this address");
        InetAddress exempt = InetAddress.getByName("10.1.2.3");
        for (int i = 0; i < 100; i++) {
            limits.count("dave", exempt);
            limits.publish("alice", exempt);
        }
    }
}
