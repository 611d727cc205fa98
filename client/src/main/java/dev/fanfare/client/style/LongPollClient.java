package dev.fanfare.client.style;

import java.time.Duration;

/**
 * Long polling: {@code GET /longpoll} with the cursor; the gateway holds the request until an event
 * exists after it (or its timeout passes), and the next request leaves as soon as the answer is in.
 */
final class LongPollClient extends HttpPollClient {

    /** The gateway's default hold time is 25 s and its cap 60 s; allow for the network on top. */
    private static final Duration SERVER_MAX_HOLD = Duration.ofSeconds(60);
    private static final Duration GRACE = Duration.ofSeconds(15);

    LongPollClient(ClientResources resources, Subscription subscription, StreamListener listener, Continuity continuity) {
        super(resources, subscription, listener, continuity);
    }

    @Override
    public Style style() {
        return Style.LONG_POLL;
    }

    @Override
    protected String target(String cursor) {
        Duration timeout = subscription.longPollTimeout();
        return GatewayAddress.target("/longpoll", subscription.channels(), "cursor", cursor,
                "timeout", timeout == null ? null : Long.toString(timeout.toSeconds()),
                "max_rate", subscription.maxRateParam(), "viewer", viewer);
    }

    @Override
    protected Duration replyTimeout() {
        Duration timeout = subscription.longPollTimeout();
        Duration hold = timeout == null || timeout.compareTo(SERVER_MAX_HOLD) > 0 ? SERVER_MAX_HOLD : timeout;
        return hold.plus(GRACE);
    }

    @Override
    protected Duration delayBeforeNextPoll(long requestStartedNanos) {
        return Duration.ZERO;
    }

    @Override
    protected boolean subscribedOnceWritten() {
        return true;
    }
}
