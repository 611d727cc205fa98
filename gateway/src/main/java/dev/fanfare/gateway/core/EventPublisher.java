package dev.fanfare.gateway.core;

import java.util.concurrent.CompletionStage;

/**
 * Publishes an event: what the publish endpoints and the demo feed need of the event log. The
 * event reaches subscribers the way every event does, through the log and the hub.
 */
public interface EventPublisher {

    /**
     * Publishes {@code json} (normalized, see {@link JsonPayload}) on a concrete channel.
     *
     * @return completes with the event's cursor once the log has it durably; fails with an
     *         {@link ApiException} ({@link ErrorCode#UNAVAILABLE}) when it could not be taken
     */
    CompletionStage<String> publish(ChannelName channel, byte[] json);
}
