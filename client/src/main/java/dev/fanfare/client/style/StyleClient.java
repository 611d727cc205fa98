package dev.fanfare.client.style;

import java.util.concurrent.CompletableFuture;

/**
 * A client following channels with one delivery style. It reconnects by itself (with backoff) after
 * errors and closes, always resuming from its last cursor, until closed or failed for good.
 *
 * <p>All methods are thread-safe; the work happens on the client's own event loop, and its
 * {@link StreamListener} is called there.
 */
public interface StyleClient {

    Style style();

    /** Starts following; call once. */
    void start();

    /** Completes when first subscribed; fails if the client fails for good before that. */
    CompletableFuture<Void> ready();

    /** Completes when the client stopped: normally after {@link #close}, exceptionally on a permanent error. */
    CompletableFuture<Void> terminated();

    /** The cursor the client would resume from now ({@code null} before any). */
    String cursor();

    ClientCounters counters();

    /** Stops reading (the gateway's buffers fill up; its slow-consumer policy applies). */
    void pause();

    /** Undoes {@link #pause}. */
    void resume();

    /**
     * Drops the connection (or the request in flight) and opens a new one at once, resuming from the cursor:
     * what a phone does when it changes networks. Nothing is lost or repeated.
     */
    void reconnect();

    /** Stops for good and closes the connection; returns {@link #terminated()}. */
    CompletableFuture<Void> close();
}
