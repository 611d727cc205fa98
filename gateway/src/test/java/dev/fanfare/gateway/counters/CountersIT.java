package dev.fanfare.gateway.counters;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fanfare.gateway.core.ApiException;
import dev.fanfare.gateway.testing.TestKafka;
import java.time.Duration;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.Test;

/** {@link Counters} as the gateway starts it, on its embedded default (counts in memory). */
class CountersIT {

    private static final Duration PATIENCE = Duration.ofSeconds(60);

    @Test
    void aRestartedNodeRebuildsItsInMemoryCountsFromKafka() throws Exception {
        CountersConfig config = CountersConfig.defaults().withTopicPrefix(TestKafka.uniqueTopicPrefix())
                .withActionsPartitions(2);
        PostTotals expected = new PostTotals("post-1", 50, 1);

        try (Counters counters = Counters.start(config, TestKafka.bootstrapServers(), true)) {
            assertEquals("in-memory", counters.storeDescription());
            counters.service().clap("post-1", "u1", 30).toCompletableFuture().get(30, SECONDS);
            counters.service().clap("post-1", "u1", 20).toCompletableFuture().get(30, SECONDS);
            counters.service().like("post-1", "u2").toCompletableFuture().get(30, SECONDS);
            await().atMost(PATIENCE).until(() -> totals(counters), equalTo(expected));
        }

        try (Counters restarted = Counters.start(config, TestKafka.bootstrapServers(), true)) {
            await().atMost(PATIENCE).until(() -> totals(restarted), equalTo(expected));
            assertEquals(409, status(restarted.service().clap("post-1", "u1", 1)), "the cap is rebuilt too");
            assertEquals(202, status(restarted.service().clap("post-1", "u2", 1)));
        }
    }

    @Test
    void withoutCreateTopicsAMissingTopicStopsTheStartWithItsNameAndNothingIsCreated() {
        CountersConfig config = CountersConfig.defaults().withTopicPrefix(TestKafka.uniqueTopicPrefix());
        int threadsBefore = counterThreads();
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> Counters.start(config, TestKafka.bootstrapServers(), false));
        assertTrue(e.getMessage().contains(config.actionsTopic()), e.getMessage());
        IllegalStateException again = assertThrows(IllegalStateException.class,
                () -> TestKafka.admin().ensureTopics(java.util.List.of(config.actionsTopic()), 1, false));
        assertTrue(again.getMessage().contains(config.actionsTopic()), "still missing: " + again.getMessage());
        assertTrue(counterThreads() <= threadsBefore, "a failed start leaves no thread behind");
    }

    private static int counterThreads() {
        return (int) Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.getName().startsWith("fanfare-counter")).count();
    }

    private static PostTotals totals(Counters counters) throws Exception {
        return counters.service().postTotals("post-1").toCompletableFuture().get(30, SECONDS);
    }

    private static int status(CompletionStage<?> answer) throws Exception {
        try {
            answer.toCompletableFuture().get(30, SECONDS);
            return 202;
        } catch (ExecutionException e) {
            return ((ApiException) e.getCause()).code().status();
        }
    }
}
