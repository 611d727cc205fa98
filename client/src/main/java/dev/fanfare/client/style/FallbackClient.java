package dev.fanfare.client.style;

import io.netty.util.concurrent.ScheduledFuture;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Follows channels with the best style that works between this client and the gateway, and moves to the next
 * one, from the same cursor, when a style turns out not to: a refused WebSocket upgrade, an event stream that
 * delivers nothing (a buffering proxy), an answer that is not an event stream. One cursor is valid in every
 * style, so the switch loses nothing; the styles share one intake, so it repeats nothing either.
 *
 * <pre>{@code
 * try (ClientResources resources = ClientResources.create(0)) {
 *     Subscription subscription = Subscription.of(GatewayAddress.parse("http://localhost:8080"), List.of("ticker/*"));
 *     StyleClient client = StyleClients.create(Style.AUTO, resources, subscription, (envelope, receivedNanos) ->
 *             System.out.println(envelope));
 *     client.start();
 *     ...
 *     client.close();
 * }
 * }</pre>
 *
 * <p>Reconnects within a style (a node restarting, a dropped connection) back off with jitter and resume, as
 * each style client does; only "this style does not work here" moves on. Networks change (a laptop leaves the
 * hotel's proxy), so some time after a fallback the better styles get another chance, again from the cursor.
 * All work runs on one event loop, shared with the style clients it creates.
 */
public final class FallbackClient implements StyleClient {

    private final ClientResources resources;
    private final Subscription subscription;
    private final StreamListener listener;
    private final List<Style> styles;
    private final Continuity continuity;
    private final CompletableFuture<Void> ready = new CompletableFuture<>();
    private final CompletableFuture<Void> terminated = new CompletableFuture<>();
    private final Duration retryBetterAfter;

    private int index;
    private StyleClient current;
    private boolean started;
    private boolean closed;
    private boolean paused;
    private ScheduledFuture<?> retryBetter;

    /** How long after a fallback the better styles are tried again. */
    public static final Duration DEFAULT_RETRY_BETTER_AFTER = Duration.ofMinutes(5);

    /**
     * @param styles the styles to try, best first (each one of the four, at least one)
     */
    public FallbackClient(ClientResources resources, Subscription subscription, StreamListener listener,
                          List<Style> styles) {
        this(resources, subscription, listener, styles, DEFAULT_RETRY_BETTER_AFTER);
    }

    /**
     * @param retryBetterAfter how long after a fallback to try the better styles again
     */
    public FallbackClient(ClientResources resources, Subscription subscription, StreamListener listener,
                          List<Style> styles, Duration retryBetterAfter) {
        if (styles.isEmpty() || styles.contains(Style.AUTO)) {
            throw new IllegalArgumentException("styles: " + styles + " (expected: one or more of " + Style.FOUR + ")");
        }
        this.resources = resources;
        this.subscription = subscription;
        this.listener = listener;
        this.styles = List.copyOf(styles);
        this.retryBetterAfter = retryBetterAfter;
        ClientCounters counters = new ClientCounters();
        this.continuity = new Continuity(resources.nextLoop(), counters,
                new EventIntake(counters, listener, subscription.cursor()), true);
    }

    @Override
    public Style style() {
        return Style.AUTO;
    }

    /** The style in use now. */
    public Style styleInUse() {
        return styles.get(index);
    }

    @Override
    public void start() {
        continuity.loop().execute(() -> {
            if (!started && !closed) {
                started = true;
                startCurrent();
            }
        });
    }

    private void startCurrent() {
        StyleClient client = StyleClients.create(styleInUse(), resources,
                subscription.withCursor(continuity.intake().cursor()), new StateRelay(), continuity);
        current = client;
        if (paused) {
            client.pause();
        }
        client.terminated().whenComplete((ok, error) -> continuity.loop().execute(() -> ended(client, error)));
        client.start();
    }

    /** A style client stopped: closed by us, unavailable here, or failed for good. */
    private void ended(StyleClient client, Throwable error) {
        if (client != current) {
            return;
        }
        Throwable cause = error instanceof java.util.concurrent.CompletionException && error.getCause() != null
                ? error.getCause() : error;
        if (closed || cause == null) {
            finish(null);
        } else if (cause instanceof StyleUnavailableException && index + 1 < styles.size()) {
            Style from = styleInUse();
            index++;
            listener.onState(ClientState.FALLING_BACK, cause.getMessage() + "; " + from + " -> " + styleInUse()
                    + " from cursor " + continuity.intake().cursor());
            startCurrent();
            scheduleRetryBetter();
        } else {
            listener.onState(ClientState.FAILED, cause.getMessage());
            finish(cause);
        }
    }

    private void scheduleRetryBetter() {
        if (retryBetter != null) {
            retryBetter.cancel(false);
        }
        retryBetter = continuity.loop().schedule(this::retryBetterStyles, retryBetterAfter.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Back to the best style, from the cursor: the one in use stops first, so nothing arrives twice. */
    private void retryBetterStyles() {
        retryBetter = null;
        if (closed || index == 0) {
            return;
        }
        StyleClient old = current;
        current = null; // its end is no fallback and no failure
        Style from = styleInUse();
        index = 0;
        listener.onState(ClientState.CONNECTING, "trying the better styles again: " + from + " -> " + styleInUse());
        old.close().whenComplete((ok, error) -> continuity.loop().execute(() -> {
            if (!closed) {
                startCurrent();
            }
        }));
    }

    private void finish(Throwable failure) {
        if (failure == null) {
            ready.completeExceptionally(new IllegalStateException("closed before subscribing"));
            terminated.complete(null);
        } else {
            ready.completeExceptionally(failure);
            terminated.completeExceptionally(failure);
        }
    }

    @Override
    public CompletableFuture<Void> ready() {
        return ready;
    }

    @Override
    public CompletableFuture<Void> terminated() {
        return terminated;
    }

    @Override
    public String cursor() {
        return continuity.intake().cursor();
    }

    @Override
    public ClientCounters counters() {
        return continuity.counters();
    }

    @Override
    public void pause() {
        continuity.loop().execute(() -> {
            paused = true;
            if (current != null) {
                current.pause();
            }
        });
    }

    @Override
    public void resume() {
        continuity.loop().execute(() -> {
            paused = false;
            if (current != null) {
                current.resume();
            }
        });
    }

    @Override
    public void reconnect() {
        continuity.loop().execute(() -> {
            if (current != null) {
                current.reconnect();
            }
        });
    }

    @Override
    public CompletableFuture<Void> close() {
        continuity.loop().execute(() -> {
            if (closed) {
                return;
            }
            closed = true;
            if (retryBetter != null) {
                retryBetter.cancel(false);
            }
            if (current != null) {
                current.close();
            } else {
                finish(null);
            }
            listener.onState(ClientState.STOPPED, "closed");
        });
        return terminated;
    }

    /**
     * Passes the style clients' states on, except their own ends: this client decides whether an end is a
     * fallback, a failure or the stop that was asked for.
     */
    private final class StateRelay implements StreamListener {
        @Override
        public void onEvent(com.fasterxml.jackson.databind.JsonNode envelope, long receivedNanos) {
            // events reach the listener through the shared intake, never through here
        }

        @Override
        public void onState(ClientState state, String detail) {
            if (state == ClientState.SUBSCRIBED) {
                ready.complete(null);
            }
            if (state != ClientState.FAILED && state != ClientState.STOPPED) {
                listener.onState(state, styleInUse() + ": " + detail);
            }
        }
    }
}
