package dev.fanfare.client.style;

import java.time.Duration;

/**
 * Short polling: {@code GET /poll} every interval (measured from the start of one poll to the start of
 * the next), at once again while the gateway says {@code "more":true}.
 */
final class ShortPollClient extends HttpPollClient {

    private static final Duration MIN_REPLY_TIMEOUT = Duration.ofSeconds(10);

    ShortPollClient(ClientResources resources, Subscription subscription, StreamListener listener, Continuity continuity) {
        super(resources, subscription, listener, continuity);
    }

    @Override
    public Style style() {
        return Style.SHORT_POLL;
    }

    @Override
    protected String target(String cursor) {
        return GatewayAddress.target("/poll", subscription.channels(), "cursor", cursor,
                "max_rate", subscription.maxRateParam(), "viewer", viewer);
    }

    @Override
    protected Duration replyTimeout() {
        Duration twice = subscription.pollInterval().multipliedBy(2);
        return twice.compareTo(MIN_REPLY_TIMEOUT) > 0 ? twice : MIN_REPLY_TIMEOUT;
    }

    @Override
    protected Duration delayBeforeNextPoll(long requestStartedNanos) {
        long elapsed = System.nanoTime() - requestStartedNanos;
        return subscription.pollInterval().minusNanos(elapsed);
    }

    @Override
    protected boolean subscribedOnceWritten() {
        return false;
    }
}
