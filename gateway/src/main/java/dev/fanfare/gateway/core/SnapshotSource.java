package dev.fanfare.gateway.core;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * The current state of channels whose state lives outside Kafka's retained window, such as
 * counter totals kept in Redis. Asked for a subscriber's snapshot when the ring holds no event of
 * the channel (say, no clap on that post since long before this node started).
 */
public interface SnapshotSource {

    /** A source that covers nothing: snapshots come from the rings alone. */
    SnapshotSource NONE = new SnapshotSource() {
        @Override
        public boolean covers(ChannelName channel) {
            return false;
        }

        @Override
        public CompletionStage<byte[]> snapshot(ChannelName channel) {
            return CompletableFuture.completedFuture(null);
        }
    };

    /** True for the channels this source can answer; called on event loops, must be cheap. */
    boolean covers(ChannelName channel);

    /**
     * The channel's current state as JSON, or null when it has none. Completes off the event loop
     * (it may ask a store); never completes exceptionally for a channel it covers: a failure is null.
     */
    CompletionStage<byte[]> snapshot(ChannelName channel);

    /** The first of {@code sources} that covers a channel answers its snapshot. */
    static SnapshotSource firstOf(SnapshotSource... sources) {
        List<SnapshotSource> all = List.of(sources);
        return new SnapshotSource() {
            @Override
            public boolean covers(ChannelName channel) {
                return all.stream().anyMatch(s -> s.covers(channel));
            }

            @Override
            public CompletionStage<byte[]> snapshot(ChannelName channel) {
                for (SnapshotSource s : all) {
                    if (s.covers(channel)) {
                        return s.snapshot(channel);
                    }
                }
                return CompletableFuture.completedFuture(null);
            }
        };
    }
}
