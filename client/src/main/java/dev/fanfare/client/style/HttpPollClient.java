package dev.fanfare.client.style;

import java.util.UUID;
import com.fasterxml.jackson.databind.JsonNode;
import io.netty.util.concurrent.Future;

import java.time.Duration;

/**
 * What short and long polling share: one keep-alive connection, a request carrying the cursor, the
 * answer's events handed over in order, then the next request. The two differ only in the path, the
 * extra parameters, how long an answer may take, and when to poll again.
 */
abstract class HttpPollClient extends AbstractStyleClient {

    private final HttpConnection http;
    /** Names this client to the gateway's viewer counts ({@code viewer=}), the same across its polls and nodes. */
    protected final String viewer = UUID.randomUUID().toString().replace("-", "");
    private long requestStartedNanos;
    private boolean resumePending;

    HttpPollClient(ClientResources resources, Subscription subscription, StreamListener listener, Continuity continuity) {
        super(resources, subscription, listener, continuity);
        this.http = new HttpConnection(resources, loop, subscription.gateway(), subscription.localAddress(), counters);
    }

    /** The request target for the next poll from {@code cursor} (may be null). */
    protected abstract String target(String cursor);

    /** How long the answer may take before the request is given up. */
    protected abstract Duration replyTimeout();

    /** How long to wait, after an answer that said no more is pending, before polling again. */
    protected abstract Duration delayBeforeNextPoll(long requestStartedNanos);

    /** Whether handing the request to the gateway already counts as subscribed (long polling parks it). */
    protected abstract boolean subscribedOnceWritten();

    @Override
    protected final void attempt() {
        if (paused()) {
            resumePending = true;
            return;
        }
        requestStartedNanos = System.nanoTime();
        HttpConnection.Exchange exchange = http.get(target(intake.cursor()), replyTimeout());
        if (subscribedOnceWritten()) {
            exchange.written().addListener(f -> {
                if (f.isSuccess() && !stopped()) {
                    subscribed();
                }
            });
        }
        exchange.reply().addListener(this::answered);
    }

    private void answered(Future<? super HttpReply> f) {
        if (stopped()) {
            return;
        }
        if (!f.isSuccess()) {
            retryAfterError(String.valueOf(f.cause().getMessage()));
            return;
        }
        long receivedNanos = System.nanoTime();
        HttpReply reply = (HttpReply) f.getNow();
        if (!reply.isSuccess()) {
            String reason = describeError(reply.status(), reply.bodyText());
            if (isPermanent(reply.status())) {
                failPermanently(reason);
            } else {
                retryAfterError(reason);
            }
            return;
        }
        JsonNode answer = parseJson(reply.body());
        if (answer == null || !answer.isObject()) {
            retryAfterError("answer is not a JSON object");
            return;
        }
        healthy();
        subscribed(); // before the events: a listener that stops after them has seen the subscription first
        if (answer.path("gap").asBoolean(false)) {
            intake.gap(answer.get("gapChannels"), null, receivedNanos);
        }
        for (JsonNode event : answer.path("events")) {
            intake.event(event, receivedNanos);
            if (stopped()) {
                return; // the listener closed the client (enough events)
            }
        }
        intake.advanceTo(EventIntake.textOrNull(answer.get("cursor")));
        if (answer.path("more").asBoolean(false)) {
            attempt();
        } else {
            later(delayBeforeNextPoll(requestStartedNanos), this::attempt);
        }
    }

    @Override
    protected final void abort() {
        http.close();
    }

    @Override
    protected final void pausedChanged() {
        if (!paused() && resumePending) {
            resumePending = false;
            attempt();
        }
    }
}
