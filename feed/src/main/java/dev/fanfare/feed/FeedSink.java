package dev.fanfare.feed;

import java.util.concurrent.CompletionStage;

/**
 * Where a {@link DemoFeed} sends what it simulates: over HTTP to any gateway ({@link HttpFeedSink}) or straight into
 * the gateway it runs in. Every method starts the send and returns at once; it must not block the caller, who is the
 * feed's single scheduler thread. The stage completes when the gateway has accepted the action (for claps and likes:
 * durably recorded) and completes exceptionally when it refused it or could not be reached.
 */
public interface FeedSink {

    /** Publishes {@code json} (a ticker quote) on channel {@code ticker/<symbol>}. */
    CompletionStage<?> tick(String symbol, byte[] json);

    /** Adds {@code count} claps of {@code user} to {@code post}, as {@code POST /claps/<post>} does. */
    CompletionStage<?> clap(String post, String user, int count);

    /** Likes ({@code like == true}) or unlikes {@code post} for {@code user}, as {@code PUT|DELETE /likes/<post>} do. */
    CompletionStage<?> like(String post, String user, boolean like);
}
