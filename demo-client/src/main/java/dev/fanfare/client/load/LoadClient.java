package dev.fanfare.client.load;

import dev.fanfare.client.style.ClientCounters;
import dev.fanfare.client.style.StyleClient;

import java.util.concurrent.CompletableFuture;

/**
 * One subscriber of a load run, whatever reads its connection: a style client (what applications use) or a
 * {@link LeanReceiver} (what {@code bench} measures with). Thread-safe; the work happens on its event loop.
 */
interface LoadClient {

    /** Starts following; call once. */
    void start();

    /** Completes when first subscribed; fails if the client fails for good before that. */
    CompletableFuture<Void> ready();

    /** Drops the connection and opens a new one at once, resuming from its cursor. */
    void reconnect();

    /** Stops for good; completes when it has. */
    CompletableFuture<Void> close();

    /** What it saw so far, each field read once. */
    ClientCounters.Snapshot counters();

    static LoadClient of(StyleClient client) {
        return new OfStyle(client);
    }

    /** A style client of the client module. */
    record OfStyle(StyleClient client) implements LoadClient {

        @Override
        public void start() {
            client.start();
        }

        @Override
        public CompletableFuture<Void> ready() {
            return client.ready();
        }

        @Override
        public void reconnect() {
            client.reconnect();
        }

        @Override
        public CompletableFuture<Void> close() {
            return client.close();
        }

        @Override
        public ClientCounters.Snapshot counters() {
            return client.counters().snapshot();
        }
    }
}
