package dev.fanfare.client.style;

import io.netty.channel.EventLoop;

/**
 * What outlives one style's client when a {@link FallbackClient} replaces it by another: the event loop, the
 * counters, and the intake, which holds the cursor and the window of cursors already delivered. So the next
 * style starts right after the last event handed over, and nothing reaches the listener twice.
 *
 * @param managed true when a fallback client decides what a style that does not work here means; a
 *                standalone client keeps its own behaviour (see {@link AbstractStyleClient#unavailable})
 */
record Continuity(EventLoop loop, ClientCounters counters, EventIntake intake, boolean managed) {

    /** A client on its own: fresh counters, an intake starting at {@code cursor}. */
    static Continuity standalone(ClientResources resources, StreamListener listener, String cursor) {
        ClientCounters counters = new ClientCounters();
        return new Continuity(resources.nextLoop(), counters, new EventIntake(counters, listener, cursor), false);
    }
}
