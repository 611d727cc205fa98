package dev.fanfare.gateway.core;

/**
 * How far a shard has delivered: the last batch's highest dispatch sequence and the node's
 * positions right after it. A read of the rings bounded by it never overlaps the batches still
 * queued on the shard's loop, nor leaves a hole before them.
 *
 * @param seq    every event with a seq at or below this one went out live (or is older)
 * @param vector the positions right after that event; callers must not modify it
 */
public record Delivered(long seq, long[] vector) {
}
