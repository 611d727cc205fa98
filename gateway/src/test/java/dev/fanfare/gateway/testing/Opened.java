package dev.fanfare.gateway.testing;

import java.util.ArrayDeque;
import java.util.Deque;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * What a test opened (gateways, connections, clients), closed after it, newest first. Register it
 * on an instance field ({@code @RegisterExtension final Opened opened = new Opened();}): it closes
 * after the test's {@code @AfterEach} methods and before the callbacks of extensions on static
 * fields (a {@link WatchedGateway}'s bystander check).
 */
public final class Opened implements AutoCloseable, AfterEachCallback {

    private final Deque<AutoCloseable> opened = new ArrayDeque<>();

    /** Keeps {@code c} to close later; returns it. */
    public <T extends AutoCloseable> T add(T c) {
        opened.addFirst(c);
        return c;
    }

    @Override
    public void afterEach(ExtensionContext context) throws Exception {
        close();
    }

    /** Closes everything kept, newest first; it can be used again afterwards. */
    @Override
    public void close() throws Exception {
        for (AutoCloseable c; (c = opened.pollFirst()) != null; ) {
            c.close();
        }
    }
}
