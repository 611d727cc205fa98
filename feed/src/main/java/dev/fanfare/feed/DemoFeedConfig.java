package dev.fanfare.feed;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Settings of a {@link DemoFeed}: what it simulates and how fast. Immutable; every constructor validates and names
 * the offending setting in the form {@code "tickerRate: -1 (expected: >= 0)"}.
 *
 * @param tickerRate       ticker events per second outside bursts; 0 turns the ticker off
 * @param burstFactor      ticker rate multiplier during a burst; 1 means no bursts
 * @param burstEvery       time from one burst's start to the next (the first starts one period after the feed)
 * @param burstLength      how long a burst lasts; shorter than {@code burstEvery}
 * @param symbols          ticker symbols, each a valid channel key
 * @param clapRate         clap actions per second (each of 1..{@value #MAX_CLAPS_PER_ACTION} claps); 0 turns claps off
 * @param likeRate         like/unlike toggles per second; 0 turns likes off
 * @param posts            post ids the simulated users clap for and like
 * @param users            size of the pool of simulated users
 * @param clapCapPerUser   claps one user may give one post in total (the gateway's cap; the users respect it)
 * @param maxInFlight      sends outstanding at once before the feed skips new ones
 * @param seed             seed of the feed's random choices; the same seed and clock give the same events
 */
public record DemoFeedConfig(
        double tickerRate,
        double burstFactor,
        Duration burstEvery,
        Duration burstLength,
        List<String> symbols,
        double clapRate,
        double likeRate,
        List<String> posts,
        int users,
        int clapCapPerUser,
        int maxInFlight,
        long seed) {

    /** Most claps one simulated action sends, like a person tapping a few times. */
    public static final int MAX_CLAPS_PER_ACTION = 5;

    /** Rates above this are a typo, not a demo; the pacing and the in-flight bound are not built for them. */
    static final double MAX_RATE = 100_000;

    private static final Pattern KEY = Pattern.compile("[A-Za-z0-9._:@-]{1,128}");

    /** Fictional listings: realistic-looking symbols that belong to no real company. */
    public static final List<String> DEFAULT_SYMBOLS = List.of(
            "ACME", "GLOBX", "INITECH", "UMBRL", "WAYNE", "STARK", "OSCRP", "CYBDN", "TYREL", "SOYL",
            "HOOLI", "VANDL", "MASSV", "PIEDP", "WONKA", "GRINGT", "NAKAT", "OCPRO", "BLUTH", "DUNMF");

    public static final List<String> DEFAULT_POSTS = List.of("post-1", "post-2", "post-3", "post-4", "post-5");

    public DemoFeedConfig {
        requireRate("tickerRate", tickerRate);
        if (!(burstFactor >= 1 && burstFactor <= 100)) {
            throw invalid("burstFactor", burstFactor, ">= 1 and <= 100");
        }
        Objects.requireNonNull(burstEvery, "burstEvery");
        Objects.requireNonNull(burstLength, "burstLength");
        if (burstEvery.isNegative() || burstEvery.isZero()) {
            throw invalid("burstEvery", burstEvery, "> 0");
        }
        if (burstLength.isNegative() || burstLength.compareTo(burstEvery) >= 0) {
            throw invalid("burstLength", burstLength, ">= 0 and < burstEvery " + burstEvery);
        }
        symbols = requireKeys("symbols", symbols);
        requireRate("clapRate", clapRate);
        requireRate("likeRate", likeRate);
        posts = requireKeys("posts", posts);
        if (users < 1) {
            throw invalid("users", users, ">= 1");
        }
        if (clapCapPerUser < 1) {
            throw invalid("clapCapPerUser", clapCapPerUser, ">= 1");
        }
        if (maxInFlight < 1) {
            throw invalid("maxInFlight", maxInFlight, ">= 1");
        }
    }

    /** 20 symbols at 20 events/s with 5x bursts of 1 s every 30 s; 2 claps/s and 1 like toggle/s on post-1..post-5. */
    public static DemoFeedConfig defaults() {
        return new DemoFeedConfig(20, 5, Duration.ofSeconds(30), Duration.ofSeconds(1), DEFAULT_SYMBOLS,
                2, 1, DEFAULT_POSTS, 50, 50, 256, System.nanoTime());
    }

    public DemoFeedConfig withTickerRate(double rate) {
        return new DemoFeedConfig(rate, burstFactor, burstEvery, burstLength, symbols, clapRate, likeRate, posts,
                users, clapCapPerUser, maxInFlight, seed);
    }

    public DemoFeedConfig withBursts(double factor, Duration every, Duration length) {
        return new DemoFeedConfig(tickerRate, factor, every, length, symbols, clapRate, likeRate, posts,
                users, clapCapPerUser, maxInFlight, seed);
    }

    /** No bursts: the ticker runs at {@link #tickerRate()} throughout. */
    public DemoFeedConfig withoutBursts() {
        return withBursts(1, burstEvery, burstLength);
    }

    public DemoFeedConfig withSymbols(List<String> newSymbols) {
        return new DemoFeedConfig(tickerRate, burstFactor, burstEvery, burstLength, newSymbols, clapRate, likeRate,
                posts, users, clapCapPerUser, maxInFlight, seed);
    }

    public DemoFeedConfig withClapRate(double rate) {
        return new DemoFeedConfig(tickerRate, burstFactor, burstEvery, burstLength, symbols, rate, likeRate, posts,
                users, clapCapPerUser, maxInFlight, seed);
    }

    public DemoFeedConfig withLikeRate(double rate) {
        return new DemoFeedConfig(tickerRate, burstFactor, burstEvery, burstLength, symbols, clapRate, rate, posts,
                users, clapCapPerUser, maxInFlight, seed);
    }

    public DemoFeedConfig withPosts(List<String> newPosts) {
        return new DemoFeedConfig(tickerRate, burstFactor, burstEvery, burstLength, symbols, clapRate, likeRate,
                newPosts, users, clapCapPerUser, maxInFlight, seed);
    }

    public DemoFeedConfig withUsers(int count, int capPerUser) {
        return new DemoFeedConfig(tickerRate, burstFactor, burstEvery, burstLength, symbols, clapRate, likeRate,
                posts, count, capPerUser, maxInFlight, seed);
    }

    public DemoFeedConfig withMaxInFlight(int max) {
        return new DemoFeedConfig(tickerRate, burstFactor, burstEvery, burstLength, symbols, clapRate, likeRate,
                posts, users, clapCapPerUser, max, seed);
    }

    public DemoFeedConfig withSeed(long newSeed) {
        return new DemoFeedConfig(tickerRate, burstFactor, burstEvery, burstLength, symbols, clapRate, likeRate,
                posts, users, clapCapPerUser, maxInFlight, newSeed);
    }

    private static void requireRate(String name, double rate) {
        // The negated forms also reject NaN.
        if (!(rate >= 0)) {
            throw invalid(name, rate, ">= 0");
        }
        if (!(rate <= MAX_RATE)) {
            throw invalid(name, rate, "<= " + (long) MAX_RATE);
        }
    }

    private static List<String> requireKeys(String name, List<String> keys) {
        Objects.requireNonNull(keys, name);
        if (keys.isEmpty()) {
            throw invalid(name, keys, "at least one");
        }
        for (String key : keys) {
            if (key == null || !KEY.matcher(key).matches()) {
                throw invalid(name, key, "channel keys matching " + KEY.pattern());
            }
        }
        if (keys.stream().distinct().count() != keys.size()) {
            throw invalid(name, keys, "no duplicates");
        }
        return List.copyOf(keys);
    }

    private static IllegalArgumentException invalid(String name, Object value, String expected) {
        return new IllegalArgumentException(name + ": " + readable(value) + " (expected: " + expected + ")");
    }

    /** Whole doubles read as integers ({@code -1}, not {@code -1.0}), as a person typed them. */
    private static Object readable(Object value) {
        if (value instanceof Double d && d == Math.rint(d) && !d.isInfinite() && Math.abs(d) < 1e15) {
            return d.longValue();
        }
        return value;
    }
}
