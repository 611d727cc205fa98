package dev.fanfare.feed;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

class DemoFeedConfigTest {

    private static void assertRejected(String message, Executable build) {
        assertEquals(message, assertThrows(IllegalArgumentException.class, build).getMessage());
    }

    @Test
    void defaultsAreTheDocumentedDemo() {
        DemoFeedConfig config = DemoFeedConfig.defaults();
        assertEquals(20, config.tickerRate());
        assertEquals(20, config.symbols().size());
        assertEquals(5, config.burstFactor());
        assertEquals(Duration.ofSeconds(30), config.burstEvery());
        assertEquals(2, config.clapRate());
        assertEquals(1, config.likeRate());
        assertEquals(List.of("post-1", "post-2", "post-3", "post-4", "post-5"), config.posts());
        assertEquals(50, config.clapCapPerUser());
    }

    @Test
    void invalidSettingsAreNamedWithWhatWasExpected() {
        DemoFeedConfig config = DemoFeedConfig.defaults();
        assertRejected("tickerRate: -1 (expected: >= 0)", () -> config.withTickerRate(-1));
        assertRejected("clapRate: NaN (expected: >= 0)", () -> config.withClapRate(Double.NaN));
        assertRejected("likeRate: 1000000 (expected: <= 100000)", () -> config.withLikeRate(1e6));
        assertRejected("burstFactor: 0.5 (expected: >= 1 and <= 100)",
                () -> config.withBursts(0.5, Duration.ofSeconds(30), Duration.ofSeconds(1)));
        assertRejected("burstLength: PT30S (expected: >= 0 and < burstEvery PT30S)",
                () -> config.withBursts(5, Duration.ofSeconds(30), Duration.ofSeconds(30)));
        assertRejected("burstEvery: PT0S (expected: > 0)",
                () -> config.withBursts(5, Duration.ZERO, Duration.ZERO));
        assertRejected("symbols: [] (expected: at least one)", () -> config.withSymbols(List.of()));
        assertRejected("symbols: A B (expected: channel keys matching [A-Za-z0-9._:@-]{1,128})",
                () -> config.withSymbols(List.of("A B")));
        assertRejected("posts: [p, p] (expected: no duplicates)", () -> config.withPosts(List.of("p", "p")));
        assertRejected("users: 0 (expected: >= 1)", () -> config.withUsers(0, 50));
        assertRejected("clapCapPerUser: 0 (expected: >= 1)", () -> config.withUsers(5, 0));
        assertRejected("maxInFlight: 0 (expected: >= 1)", () -> config.withMaxInFlight(0));
    }
}
