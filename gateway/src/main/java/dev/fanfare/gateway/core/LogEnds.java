package dev.fanfare.gateway.core;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Tells a cursor from a node further along (fine) from one past anything the log ever held (a
 * forged or corrupt cursor, which would otherwise wait for events that never come).
 */
public interface LogEnds {

    /** No log to ask: every well-formed cursor is taken. */
    LogEnds NONE = positions -> CompletableFuture.completedFuture(positions);

    /**
     * Completes with {@code positions} when none is past the end of its partition (at once, when
     * the node itself has read that far); fails with an {@link ApiException}
     * ({@link ErrorCode#BAD_CURSOR}) naming the partition when one is.
     */
    CompletionStage<long[]> check(long[] positions);
}
