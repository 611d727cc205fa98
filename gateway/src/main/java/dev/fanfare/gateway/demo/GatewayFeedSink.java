package dev.fanfare.gateway.demo;

import dev.fanfare.feed.FeedSink;
import dev.fanfare.gateway.core.ChannelName;
import dev.fanfare.gateway.core.JsonPayload;
import dev.fanfare.gateway.core.CounterApi;
import dev.fanfare.gateway.core.EventPublisher;
import java.util.concurrent.CompletionStage;

/**
 * The demo feed inside a gateway: ticks go through the node's publisher, claps and likes through
 * its counters, exactly the paths an HTTP client's would take, without the HTTP hop.
 */
public final class GatewayFeedSink implements FeedSink {

    private final EventPublisher publisher;
    private final CounterApi counters;

    public GatewayFeedSink(EventPublisher publisher, CounterApi counters) {
        this.publisher = publisher;
        this.counters = counters;
    }

    @Override
    public CompletionStage<?> tick(String symbol, byte[] json) {
        return publisher.publish(new ChannelName("ticker", symbol), JsonPayload.normalize(json));
    }

    @Override
    public CompletionStage<?> clap(String post, String user, int count) {
        return counters.clap(post, user, count);
    }

    @Override
    public CompletionStage<?> like(String post, String user, boolean like) {
        return like ? counters.like(post, user) : counters.unlike(post, user);
    }
}
