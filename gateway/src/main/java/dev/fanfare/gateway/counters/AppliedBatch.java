package dev.fanfare.gateway.counters;

import java.util.List;

/**
 * The result of applying a batch of actions of one partition.
 *
 * @param offsetMissing true when the caller required a stored offset and the store had none (its state was
 *        lost): nothing was applied, and the partition must be replayed from the start of the log
 * @param appliedThrough the partition's applied offset after the batch (-1 when none)
 * @param totals the totals, after the batch, of every post the batch names, including posts whose actions
 *        were already applied before (so totals lost with a crashed worker are published again)
 */
public record AppliedBatch(boolean offsetMissing, long appliedThrough, List<PostTotals> totals) {

    static AppliedBatch missingOffset() {
        return new AppliedBatch(true, -1, List.of());
    }
}
