package dev.fanfare.gateway.kafka;

import dev.fanfare.gateway.core.ApiException;
import dev.fanfare.gateway.core.ErrorCode;
import dev.fanfare.gateway.core.LogEnds;
import dev.fanfare.gateway.core.StreamLayout;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.function.Supplier;

/**
 * {@link LogEnds} from Kafka: a position the node has read past is fine at once; one ahead of the
 * node is checked against the partitions' end offsets, asked of the cluster. One ask at a time:
 * a flood of forged cursors waits on the same answer instead of multiplying them.
 */
public final class KafkaLogEnds implements LogEnds {

    private final TopicAdmin admin;
    private final StreamLayout layout;
    private final Supplier<long[]> live;
    private final Executor blocking;
    private CompletableFuture<long[]> asking;

    /**
     * @param live     the node's own positions (what it has read)
     * @param blocking where the admin call runs (never an event loop)
     */
    public KafkaLogEnds(TopicAdmin admin, StreamLayout layout, Supplier<long[]> live, Executor blocking) {
        this.admin = admin;
        this.layout = layout;
        this.live = live;
        this.blocking = blocking;
    }

    @Override
    public CompletionStage<long[]> check(long[] positions) {
        if (positions == null || within(positions, live.get()) < 0) {
            return CompletableFuture.completedFuture(positions);
        }
        // An ask already under way may have started before the cursor's event was written (on another node):
        // a position past its answer is checked once more against an ask started after this one arrived.
        return ends().thenCompose(ends -> within(positions, ends) < 0 ? CompletableFuture.completedFuture(positions)
                : ends().thenApply(fresh -> {
                    int past = within(positions, fresh);
                    if (past >= 0) {
                        throw new ApiException(ErrorCode.BAD_CURSOR, "cursor: past the end of " + partitionName(past)
                                + " (offset " + positions[past] + ", the log ends at " + fresh[past]
                                + "; expected: a cursor this gateway issued)");
                    }
                    return positions;
                }));
    }

    /** The first partition where {@code positions} is past {@code ends}, or -1. */
    private static int within(long[] positions, long[] ends) {
        for (int g = 0; g < positions.length; g++) {
            if (positions[g] > ends[g]) {
                return g;
            }
        }
        return -1;
    }

    private synchronized CompletableFuture<long[]> ends() {
        if (asking == null || asking.isDone()) {
            try {
                asking = CompletableFuture.supplyAsync(() -> admin.endOffsets(layout, Duration.ofSeconds(5)), blocking);
            } catch (java.util.concurrent.RejectedExecutionException busy) {
                return CompletableFuture.failedFuture(new ApiException(ErrorCode.UNAVAILABLE,
                        "cursor: cannot be checked now (expected: retry shortly)"));
            }
        }
        return asking.exceptionallyCompose(e -> CompletableFuture.failedFuture(ApiException.of(e) != null ? e
                : new ApiException(ErrorCode.UNAVAILABLE, "cursor: Kafka did not say where its log ends (expected: retry shortly)")));
    }

    private String partitionName(int global) {
        for (StreamLayout.Stream s : layout.streams()) {
            if (global >= s.base() && global < s.base() + s.partitions()) {
                return s.topic() + "-" + (global - s.base());
            }
        }
        return "partition " + global;
    }
}
