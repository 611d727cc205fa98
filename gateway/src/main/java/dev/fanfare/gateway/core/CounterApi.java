package dev.fanfare.gateway.core;

import java.util.concurrent.CompletionStage;

/**
 * Claps and likes as the transports see them: exact counts under concurrency are the
 * implementation's promise. Every stage completes off the event loop (hop back before writing)
 * and fails only with an {@link ApiException}: {@link ErrorCode#BAD_PARAMETER},
 * {@link ErrorCode#CLAP_LIMIT} (nothing counted) or {@link ErrorCode#UNAVAILABLE} (nothing counted).
 */
public interface CounterApi {

    /** The most claps one user may give one post. */
    int clapCap();

    /** Adds {@code count} claps of {@code user} to {@code post}, if the user stays within the cap. */
    CompletionStage<CounterAck> clap(String post, String user, long count);

    /** Records that {@code user} likes {@code post}; liking twice counts once. */
    CompletionStage<CounterAck> like(String post, String user);

    /** Records that {@code user} no longer likes {@code post}. */
    CompletionStage<CounterAck> unlike(String post, String user);

    /** The post's current totals as JSON (the snapshot of {@code claps/<post>} and {@code likes/<post>}). */
    CompletionStage<byte[]> totals(String post);
}
