package dev.fanfare.gateway.counters;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fanfare.gateway.testing.TestRedis;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The store contract against a real redis-server, plus what only a remote store can do: go away. */
class RedisCounterStoreIT extends CounterStoreContract {

    private static TestRedis redis;

    @BeforeAll
    static void startRedis() {
        redis = TestRedis.start();
    }

    @AfterAll
    static void stopRedis() {
        redis.close();
    }

    @Override
    CounterStore newEmptyStore() {
        redis.flushAll();
        return new RedisCounterStore(redis.uri(), 4, Duration.ofSeconds(2), Duration.ofMinutes(10),
                Duration.ofDays(7));
    }

    @Test
    void reportsUnavailableWhileRedisIsDownAndKeepsItsCountsAcrossARestart() {
        long reservation = store.reserveClaps("p1", "u1", 4, CAP).id();
        store.apply(PARTITION, List.of(new LoggedAction(0, CounterAction.clap("p1", "u1", 4, reservation))), false);

        redis.stop();
        try {
            assertThrows(CounterStoreUnavailableException.class, () -> store.reserveClaps("p1", "u1", 1, CAP));
            assertThrows(CounterStoreUnavailableException.class, () -> store.apply(PARTITION,
                    List.of(new LoggedAction(1, CounterAction.like("p1", "u1"))), true));
            assertThrows(CounterStoreUnavailableException.class, () -> store.totals("p1"));
            assertThrows(CounterStoreUnavailableException.class, store::ping);
        } finally {
            redis.restart();
        }

        // The restarted server has an empty script cache: the scripts are sent again.
        AppliedBatch batch = store.apply(PARTITION, List.of(new LoggedAction(1, CounterAction.like("p1", "u1"))),
                true);
        assertEquals(List.of(new PostTotals("p1", 4, 1)), batch.totals());
        assertTrue(store.reserveClaps("p1", "u1", CAP - 4, CAP).accepted());
    }

    @Test
    void aRedisThatLostItsDataReportsTheMissingOffset() {
        store.apply(PARTITION, List.of(new LoggedAction(0, CounterAction.like("p1", "u1"))), false);

        redis.crash();
        redis.restart();

        assertTrue(store.apply(PARTITION, List.of(new LoggedAction(1, CounterAction.like("p1", "u2"))), true)
                .offsetMissing());
    }
}
