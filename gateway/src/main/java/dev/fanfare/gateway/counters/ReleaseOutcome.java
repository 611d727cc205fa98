package dev.fanfare.gateway.counters;

/** What releasing a clap reservation found; decides the answer to a clap Kafka did not confirm. */
public enum ReleaseOutcome {
    /** The reservation was pending and is now released: the clap will never be counted. */
    RELEASED,
    /** The worker already counted the clap (Kafka did take it after all): the clap stands. */
    ALREADY_APPLIED,
    /** The store no longer knows the reservation (its state was lost): the outcome cannot be told. */
    UNKNOWN
}
