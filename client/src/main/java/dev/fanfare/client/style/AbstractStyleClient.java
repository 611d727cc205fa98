package dev.fanfare.client.style;

import com.fasterxml.jackson.databind.JsonNode;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufInputStream;
import io.netty.channel.EventLoop;
import io.netty.util.concurrent.ScheduledFuture;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * The life cycle every style shares: start, subscribed, retry with backoff, fail for good, stop. A
 * style supplies {@link #attempt()} (connect or send the next request) and {@link #abort()} (drop what
 * is in flight). Everything runs on the one event loop the client was given.
 */
abstract class AbstractStyleClient implements StyleClient {

    static final Duration INITIAL_BACKOFF = Duration.ofMillis(250);
    static final Duration MAX_BACKOFF = Duration.ofSeconds(10);

    protected final ClientResources resources;
    protected final EventLoop loop;
    protected final Subscription subscription;
    protected final ClientCounters counters;
    protected final EventIntake intake;
    private final StreamListener listener;
    private final boolean managed;
    private final Backoff backoff = new Backoff(INITIAL_BACKOFF, MAX_BACKOFF);
    private final CompletableFuture<Void> ready = new CompletableFuture<>();
    private final CompletableFuture<Void> terminated = new CompletableFuture<>();

    private boolean stopped;
    private boolean paused;
    private boolean interrupted;
    private ScheduledFuture<?> retry;

    /**
     * @param listener   told of state changes (events and gaps go through the continuity's intake)
     * @param continuity the loop, counters and intake: the client's own, or a fallback client's shared ones
     */
    AbstractStyleClient(ClientResources resources, Subscription subscription, StreamListener listener,
                        Continuity continuity) {
        this.resources = resources;
        this.loop = continuity.loop();
        this.subscription = subscription;
        this.listener = listener;
        this.counters = continuity.counters();
        this.intake = continuity.intake();
        this.managed = continuity.managed();
    }

    /** Opens a connection or sends the next request. Called on the loop, never while stopped. */
    protected abstract void attempt();

    /** Drops the connection or request in flight without scheduling anything. Called on the loop. */
    protected abstract void abort();

    /** Pause or resume reading; {@link #paused()} already holds the new value. Called on the loop. */
    protected abstract void pausedChanged();

    @Override
    public final void start() {
        loop.execute(() -> {
            if (!stopped) {
                listener.onState(ClientState.CONNECTING, subscription.gateway().baseUrl());
                attempt();
            }
        });
    }

    @Override
    public final CompletableFuture<Void> ready() {
        return ready;
    }

    @Override
    public final CompletableFuture<Void> terminated() {
        return terminated;
    }

    @Override
    public final String cursor() {
        return intake.cursor();
    }

    @Override
    public final ClientCounters counters() {
        return counters;
    }

    @Override
    public final void pause() {
        loop.execute(() -> {
            if (!paused) {
                paused = true;
                pausedChanged();
            }
        });
    }

    @Override
    public final void resume() {
        loop.execute(() -> {
            if (paused) {
                paused = false;
                pausedChanged();
            }
        });
    }

    @Override
    public final void reconnect() {
        loop.execute(() -> {
            if (!stopped && ready.isDone()) {
                retryAfter(Duration.ZERO, "reconnect asked");
            }
        });
    }

    @Override
    public final CompletableFuture<Void> close() {
        loop.execute(() -> {
            if (stopped) {
                return;
            }
            stopped = true;
            cancelRetry();
            abort();
            listener.onState(ClientState.STOPPED, "closed");
            ready.completeExceptionally(new IllegalStateException("closed before subscribing"));
            terminated.complete(null);
        });
        return terminated;
    }

    protected final boolean stopped() {
        return stopped;
    }

    protected final boolean paused() {
        return paused;
    }

    /** The subscription is in place: the first time, {@link #ready()} completes. */
    protected final void subscribed() {
        if (!ready.isDone()) {
            ready.complete(null);
            listener.onState(ClientState.SUBSCRIBED, subscription.gateway().baseUrl());
        } else if (interrupted) {
            listener.onState(ClientState.SUBSCRIBED, "resumed from cursor " + intake.cursor());
        }
        interrupted = false;
    }

    /** The gateway answered well: the next failure backs off from the start again. */
    protected final void healthy() {
        backoff.reset();
    }

    /** Something went wrong that a later attempt may not meet: retry after a growing delay. */
    protected final void retryAfterError(String reason) {
        retryAfter(backoff.next(), reason);
    }

    /** Retry after exactly {@code delay} (the gateway asked for it, or closed cleanly). */
    protected final void retryAfter(Duration delay, String reason) {
        if (stopped) {
            return;
        }
        cancelRetry();
        abort();
        interrupted = true;
        listener.onState(ClientState.WAITING_TO_RETRY, reason + "; retrying in " + delay.toMillis() + " ms");
        retry = loop.schedule(() -> {
            retry = null;
            if (!stopped) {
                attempt();
            }
        }, delay.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Runs {@code task} after {@code delay} unless the client stops first (used for the next poll). */
    protected final void later(Duration delay, Runnable task) {
        cancelRetry();
        retry = loop.schedule(() -> {
            retry = null;
            if (!stopped) {
                task.run();
            }
        }, Math.max(0, delay.toNanos()), TimeUnit.NANOSECONDS);
    }

    /** The gateway refused for good: stop and report why. */
    protected final void failPermanently(String reason) {
        if (stopped) {
            return;
        }
        stopped = true;
        cancelRetry();
        abort();
        listener.onState(ClientState.FAILED, reason);
        PermanentFailureException failure = new PermanentFailureException(reason);
        ready.completeExceptionally(failure);
        terminated.completeExceptionally(failure);
    }

    /**
     * This style does not work here (a refused upgrade, a stream that delivers nothing). Under a fallback
     * client: stop, so that the next style takes over from the cursor. On its own: {@code standalone}, the
     * style's own way of carrying on (retry, wait, or fail for good).
     */
    protected final void unavailable(String reason, Runnable standalone) {
        if (stopped) {
            return;
        }
        if (!managed) {
            standalone.run();
            return;
        }
        stopped = true;
        cancelRetry();
        abort();
        StyleUnavailableException failure = new StyleUnavailableException(style() + ": " + reason);
        ready.completeExceptionally(failure);
        terminated.completeExceptionally(failure);
    }

    /** How long a stream may stay silent at its start before the style counts as unavailable. */
    protected final Duration stallTimeout() {
        return subscription.stallTimeout();
    }

    /** Parses a body that should be JSON; null (and counted as malformed) when it is not. */
    protected final JsonNode parseJson(byte[] body) {
        return counted(readOrNull(() -> resources.json().readTree(body)));
    }

    protected final JsonNode parseJson(String body) {
        return counted(readOrNull(() -> resources.json().readTree(body)));
    }

    /** Parses straight from a buffer (no intermediate String); the caller keeps ownership of it. */
    protected final JsonNode parseJson(ByteBuf body) {
        return counted(readOrNull(() -> resources.json().readTree((java.io.InputStream) new ByteBufInputStream(body.duplicate()))));
    }

    /** {@code "400 bad_channel: message"} from a JSON error body, or the status alone. */
    protected final String describeError(int status, String body) {
        JsonNode error = readOrNull(() -> resources.json().readTree(body));
        if (error != null && error.hasNonNull("error")) {
            return status + " " + error.get("error").asText() + ": " + error.path("message").asText("");
        }
        return "HTTP " + status;
    }

    private JsonNode counted(JsonNode node) {
        if (node == null || node.isMissingNode()) {
            intake.malformed();
            return null;
        }
        return node;
    }

    private interface JsonRead {
        JsonNode read() throws java.io.IOException;
    }

    private static JsonNode readOrNull(JsonRead read) {
        try {
            return read.read();
        } catch (java.io.IOException e) {
            return null;
        }
    }

    /** 4xx (other than 408 and 429) will not get better by retrying. */
    protected static boolean isPermanent(int status) {
        return status >= 400 && status < 500 && status != 408 && status != 429;
    }

    private void cancelRetry() {
        if (retry != null) {
            retry.cancel(false);
            retry = null;
        }
    }
}
