package dev.fanfare.client.style;

/** Where a {@link StyleClient} is in its life; reported to {@link StreamListener#onState}. */
public enum ClientState {
    /** Opening a connection or sending the first request. */
    CONNECTING,
    /** Subscribed: the gateway accepted the subscription (or, for long polling, holds the request). */
    SUBSCRIBED,
    /** Lost the connection or got a retryable error; waits, then resumes from its cursor. */
    WAITING_TO_RETRY,
    /** The style in use does not work here; the next one takes over from the same cursor (fallback clients). */
    FALLING_BACK,
    /** Stopped for good by an error retrying cannot fix (for example {@code 400 bad_channel}). */
    FAILED,
    /** Stopped on request. */
    STOPPED
}
