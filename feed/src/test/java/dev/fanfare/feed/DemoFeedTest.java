package dev.fanfare.feed;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class DemoFeedTest {

    private static final long STEP = TimeUnit.MILLISECONDS.toNanos(10);
    private static final long SECOND = TimeUnit.SECONDS.toNanos(1);

    private static DemoFeedConfig config() {
        return DemoFeedConfig.defaults().withSeed(42);
    }

    /** Steps the feed every 10 ms of simulated time from {@code fromNanos} for {@code millis}, both ends included. */
    private static void run(DemoFeed feed, long fromNanos, long millis) {
        for (long t = fromNanos; t <= fromNanos + TimeUnit.MILLISECONDS.toNanos(millis); t += STEP) {
            feed.step(t);
        }
    }

    @Test
    void sendsEachFeedAtItsConfiguredRateOnASimulatedClock() {
        RecordingSink sink = new RecordingSink();
        DemoFeed feed = new DemoFeed(config().withoutBursts().withTickerRate(50).withClapRate(3).withLikeRate(1.5),
                sink);

        run(feed, 0, 20_000);

        assertEquals(1000, sink.count("tick"));
        assertEquals(60, sink.count("clap"));
        assertEquals(30, sink.count("like"));
        assertEquals(new DemoFeed.Stats(1090, 0, 0, 0, null), feed.stats());
    }

    @Test
    void burstsRaiseTheTickerRateNowAndThen() {
        RecordingSink sink = new RecordingSink();
        DemoFeed feed = new DemoFeed(config().withBursts(5, Duration.ofSeconds(30), Duration.ofSeconds(1)), sink);

        run(feed, 0, 60_000);

        // 20/s for 60 s plus one burst of 4 x 20 extra in [30 s, 31 s); the next starts at 60 s, the end.
        assertEquals(20 * 60 + 80, sink.count("tick"));
    }

    @Test
    void zeroRatesTurnFeedsOff() {
        RecordingSink sink = new RecordingSink();
        DemoFeed feed = new DemoFeed(config().withTickerRate(0).withLikeRate(0), sink);

        run(feed, 0, 10_000);

        assertEquals(0, sink.count("tick"));
        assertEquals(0, sink.count("like"));
        assertEquals(20, sink.count("clap"));
    }

    @Test
    void ticksCarryQuotesForTheConfiguredSymbols() {
        RecordingSink sink = new RecordingSink();
        DemoFeed feed = new DemoFeed(config().withSymbols(List.of("AAA", "BBB")), sink);

        run(feed, 0, 5_000);

        assertFalse(sink.calls("tick").isEmpty());
        for (RecordingSink.Call tick : sink.calls("tick")) {
            assertTrue(Set.of("AAA", "BBB").contains(tick.key()), tick::toString);
            assertTrue(tick.detail().startsWith("{\"symbol\":\"" + tick.key() + "\",\"last\":"), tick::toString);
        }
    }

    @Test
    void simulatedUsersNeverClapPastTheCapEvenWhenSomeClapsAreRefused() {
        RecordingSink sink = new RecordingSink();
        // Every 7th clap is refused (as a 503 would be): the user gets it back and may clap it again.
        int[] seen = {0};
        sink.refuse = call -> call.kind().equals("clap") && ++seen[0] % 7 == 0;
        DemoFeed feed = new DemoFeed(config().withTickerRate(0).withLikeRate(0).withClapRate(200)
                .withPosts(List.of("p1", "p2")).withUsers(3, 50), sink);

        run(feed, 0, 30_000);

        Map<String, Integer> accepted = new HashMap<>();
        for (RecordingSink.Call clap : sink.accepted) {
            int count = Integer.parseInt(clap.detail());
            assertTrue(count >= 1 && count <= DemoFeedConfig.MAX_CLAPS_PER_ACTION, clap::toString);
            accepted.merge(clap.user() + " " + clap.key(), count, Integer::sum);
        }
        assertTrue(accepted.values().stream().allMatch(total -> total <= 50), accepted::toString);
        // The users clap all they may, so the cap is what stops them, and newcomers take the seats of the spent.
        assertTrue(accepted.values().stream().filter(total -> total == 50).count() >= 10, accepted::toString);
        assertTrue(accepted.keySet().stream().map(key -> key.split(" ")[0]).distinct().count() > 3,
                accepted::toString);
        assertTrue(feed.stats().failed() > 0);
    }

    @Test
    void simulatedUsersUnlikeOnlyWhatTheyLikedEvenWhenSomeTogglesAreRefused() {
        RecordingSink sink = new RecordingSink();
        int[] seen = {0};
        sink.refuse = call -> call.kind().equals("like") && ++seen[0] % 5 == 0;
        DemoFeed feed = new DemoFeed(config().withTickerRate(0).withClapRate(0).withLikeRate(100)
                .withPosts(List.of("p1", "p2")).withUsers(4, 50), sink);

        run(feed, 0, 20_000);

        Set<String> liked = new HashSet<>();
        int unlikes = 0;
        for (RecordingSink.Call toggle : sink.accepted) {
            String pair = toggle.user() + " " + toggle.key();
            if (toggle.detail().equals("like")) {
                assertTrue(liked.add(pair), () -> "liked twice: " + pair);
            } else {
                assertTrue(liked.remove(pair), () -> "unliked what was not liked: " + pair);
                unlikes++;
            }
        }
        assertTrue(unlikes > 100, "unlikes: " + unlikes);
    }

    @Test
    void skipsAndCountsWhenTooManySendsAreOutstandingThenResumes() {
        RecordingSink sink = new RecordingSink();
        sink.hold = true;
        DemoFeed feed = new DemoFeed(config().withoutBursts().withTickerRate(20).withClapRate(0).withLikeRate(0)
                .withMaxInFlight(10), sink);

        run(feed, 0, 1_000);

        assertEquals(10, sink.count("tick"));
        assertEquals(new DemoFeed.Stats(0, 0, 10, 10, null), feed.stats());

        sink.settleHeld();
        sink.hold = false;
        run(feed, SECOND + STEP, 990);

        assertEquals(30, sink.count("tick"));
        assertEquals(new DemoFeed.Stats(30, 0, 10, 0, null), feed.stats());
    }

    @Test
    void sameSeedSameEventsDifferentSeedDifferentEvents() {
        RecordingSink first = new RecordingSink();
        RecordingSink second = new RecordingSink();
        RecordingSink other = new RecordingSink();
        run(new DemoFeed(config(), first), 0, 10_000);
        run(new DemoFeed(config(), second), 0, 10_000);
        run(new DemoFeed(config().withSeed(43), other), 0, 10_000);

        assertEquals(first.calls, second.calls);
        assertNotEquals(first.calls, other.calls);
    }

    @Test
    void failuresAreCountedWithTheLatestReason() {
        RecordingSink sink = new RecordingSink();
        sink.refuse = call -> call.kind().equals("tick");
        DemoFeed feed = new DemoFeed(config().withoutBursts().withClapRate(0).withLikeRate(0), sink);

        run(feed, 0, 1_000);

        DemoFeed.Stats stats = feed.stats();
        assertEquals(0, stats.sent());
        assertEquals(20, stats.failed());
        assertTrue(stats.lastFailure().startsWith("refused"), stats::lastFailure);
        assertTrue(stats.summary().startsWith("sent=0 failed=20 skipped=0"), stats::summary);
    }

    @Test
    void runsOnItsOwnThreadUntilClosed() throws Exception {
        RecordingSink sink = new RecordingSink();
        DemoFeed feed = new DemoFeed(config().withTickerRate(200), sink);
        feed.start();
        try {
            await().atMost(Duration.ofSeconds(10)).until(() -> sink.count("tick") >= 20);
        } finally {
            feed.close();
        }
        assertTrue(feed.awaitIdle(Duration.ofSeconds(5)));
        synchronized (sink) {
            assertTrue(sink.threads.stream().allMatch("fanfare-demo-feed"::equals), sink.threads::toString);
        }
    }
}
