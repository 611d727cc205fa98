package dev.fanfare.gateway.testing;

import java.util.ArrayDeque;
import java.util.Deque;

/** What a test opened (gateways, connections, clients), to close after it, newest first. */
public final class Opened implements AutoCloseable {

    private final Deque<AutoCloseable> opened = new ArrayDeque<>();

    /** Keeps {@code c} to close later; returns it. */
    public <T extends AutoCloseable> T add(T c) {
        opened.addFirst(c);
        return c;
    }

    /** Closes everything kept, newest first; it can be used again afterwards. */
    @Override
    public void close() throws Exception {
        for (AutoCloseable c; (c = opened.pollFirst()) != null; ) {
            c.close();
        }
    }
}
