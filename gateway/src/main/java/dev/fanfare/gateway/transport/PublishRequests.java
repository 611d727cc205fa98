package dev.fanfare.gateway.transport;

import dev.fanfare.gateway.core.ApiException;
import dev.fanfare.gateway.core.ErrorCode;
import dev.fanfare.gateway.core.ViewerCounts;
import dev.fanfare.gateway.core.ChannelName;
import dev.fanfare.gateway.core.EventPublisher;
import dev.fanfare.gateway.limits.ClientLimits;
import java.util.concurrent.CompletionStage;

/**
 * A publish as HTTP ({@code POST /publish/...}) and WebSocket ({@code "type":"publish"}) both ask
 * it: the caller's token must grant the channel (401 without one, 403 when it does not), its
 * rate limits must let it through (429), and only then is the log asked.
 */
public final class PublishRequests {

    private final EventPublisher publisher;
    private final ClientLimits limits;

    public PublishRequests(EventPublisher publisher, ClientLimits limits) {
        this.publisher = publisher;
        this.limits = limits;
    }

    /**
     * @return the event's cursor once the log has it
     * @throws dev.fanfare.gateway.core.ApiException a refusal, before anything is published
     */
    public CompletionStage<String> publish(Caller caller, ChannelName channel, byte[] json) {
        if (ViewerCounts.STREAM.equals(channel.stream())) {
            throw new ApiException(ErrorCode.FORBIDDEN, "channel: " + channel + " (the viewers stream is written by the gateway)");
        }
        caller.principal().requirePublish(channel);
        limits.publish(caller.user(), caller.address());
        return publisher.publish(channel, json);
    }
}
