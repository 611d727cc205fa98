package dev.fanfare.gateway.counters;

import java.util.List;

/**
 * Where clap and like counts live: per-user clap reservations (the cap, decided on the request path) and
 * the totals with the offset they include (decided by the worker). Every method is one atomic step.
 *
 * <p>Lifecycle of a clap reservation: {@link #reserveClaps} makes it <em>pending</em>; the worker's
 * {@link #apply} of the clap that names it makes it <em>applied</em> (counted); {@link #releaseClaps}, called
 * when Kafka did not confirm the record, makes a pending reservation <em>released</em>, and a released
 * reservation is never counted even if its record reaches the log after all. So a clap is counted if and
 * only if its request was answered 202.
 *
 * <p>Calls block on I/O: call them from a worker or a bounded executor, never from an event loop.
 * Methods throw {@link CounterStoreUnavailableException} when the store cannot be reached.
 */
public interface CounterStore extends AutoCloseable {

    /**
     * Reserves {@code count} claps of {@code user} on {@code post} if the user's reserved claps stay at or
     * below {@code cap}; otherwise reserves nothing.
     */
    ClapReservation reserveClaps(String post, String user, int count, int cap);

    /** Releases a pending reservation whose record Kafka did not confirm (see the class comment). */
    ReleaseOutcome releaseClaps(String post, String user, long reservationId);

    /**
     * Applies the actions of one partition, in one atomic step together with the partition's applied offset:
     * actions at or below the stored offset are skipped, so a redelivery never counts twice. Likes are
     * idempotent per user; claps count once per reservation.
     *
     * @param partition the partition's name in the store, e.g. {@code fanfare.actions:3}
     * @param actions in offset order
     * @param requireStoredOffset true when the caller knows this partition has an applied offset: if the store
     *        has none its state was lost, and the result says {@link AppliedBatch#offsetMissing()}
     */
    AppliedBatch apply(String partition, List<LoggedAction> actions, boolean requireStoredOffset);

    /** The last applied offset of a partition, -1 when none was ever applied. */
    long appliedOffset(String partition);

    /** The current totals of a post (zeros when it has none). */
    PostTotals totals(String post);

    /** Checks that the store answers. */
    void ping();

    /** What the store is, for logs: {@code "redis://host:port"} or {@code "in-memory"}. */
    String describe();

    @Override
    void close();
}
