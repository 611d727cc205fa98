package dev.fanfare.gateway.viewers;

import dev.fanfare.gateway.core.ViewerCount;
import dev.fanfare.gateway.core.ViewerCounts;
import java.util.List;
import java.util.Map;

/**
 * Where the nodes' viewer counts meet: Redis for several nodes, memory for one. Blocking: called
 * from the reporter's thread and the blocking executor, never from an event loop. Every method may
 * throw {@link ViewerStoreUnavailableException}.
 */
interface ViewerStore extends AutoCloseable {

    /**
     * One heartbeat of {@code node}: its SSE and WebSocket subscribers per channel ({@code [sse, ws]};
     * null: unchanged since its last report) and the polls it saw.
     *
     * @return true when this node leads: it publishes the changed counts
     */
    boolean report(String node, Map<String, int[]> streams, List<ViewerCounts.Sighting> sightings);

    /** The counts of these channels now. */
    List<ViewerCount> counts(List<String> channels);

    /** Channels whose count differs from the one last {@link #published}; forgets channels nobody watches. */
    List<ViewerCount> changed();

    /** {@code count} went out on the viewers stream. */
    void published(ViewerCount count);

    /** {@code node} stops: its counts go now rather than at the end of their TTL. */
    void leave(String node);

    /** {@code redis://host:port} or {@code in-memory}. */
    String describe();

    @Override
    void close();
}
