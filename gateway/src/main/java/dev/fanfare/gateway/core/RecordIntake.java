package dev.fanfare.gateway.core;

import java.util.List;

/** Where the event log's reader hands what it read: the hub, on a node. */
public interface RecordIntake {

    /**
     * Takes one batch of records, in the order read; may wait while the node catches up.
     *
     * @throws InterruptedException when interrupted while waiting (the node is stopping)
     */
    void ingest(List<FanoutHub.Incoming> records) throws InterruptedException;

    /** Per global partition, the offset of the next record it has not taken: where a reader resumes. */
    long[] live();
}
