package dev.fanfare.gateway.core;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.BitSet;
import java.util.Collection;

/**
 * The global partitions a subscription covers: what its cursors name. A channel lives in one
 * partition of its stream's topic (Kafka's key hash), a {@code stream/*} in all of them, so a
 * cursor over a subscription's set stays as small as what it subscribed to, whatever the rest of
 * the cluster holds. Immutable; {@link Cursors} hands out shared instances for one partition and
 * for one whole stream, which compare by identity first.
 */
public final class PartitionSet {

    private final int[] partitions;
    private final int hash;

    PartitionSet(int[] ascending) {
        this.partitions = ascending;
        this.hash = Arrays.hashCode(ascending);
    }

    /** The partitions {@code channels} live in. */
    static PartitionSet of(StreamLayout layout, Collection<ChannelName> channels) {
        BitSet bits = new BitSet(layout.totalPartitions());
        for (ChannelName c : channels) {
            StreamLayout.Stream s = layout.require(c);
            if (c.isWildcard()) {
                bits.set(s.base(), s.base() + s.partitions());
            } else {
                bits.set(s.global(StreamLayout.partitionOf(c.key().getBytes(StandardCharsets.UTF_8), s.partitions())));
            }
        }
        return new PartitionSet(bits.stream().toArray());
    }

    /** Global partition indexes, ascending; do not modify. */
    int[] partitions() {
        return partitions;
    }

    public int size() {
        return partitions.length;
    }

    public boolean contains(int global) {
        return Arrays.binarySearch(partitions, global) >= 0;
    }

    /** True when {@code a} is at or past {@code b} on every partition of this set. */
    public boolean covers(long[] a, long[] b) {
        for (int g : partitions) {
            if (a[g] < b[g]) {
                return false;
            }
        }
        return true;
    }

    @Override
    public boolean equals(Object o) {
        return o == this || (o instanceof PartitionSet other && other.hash == hash
                && Arrays.equals(other.partitions, partitions));
    }

    @Override
    public int hashCode() {
        return hash;
    }

    @Override
    public String toString() {
        return Arrays.toString(partitions);
    }
}
