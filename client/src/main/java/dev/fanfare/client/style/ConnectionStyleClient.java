package dev.fanfare.client.style;

import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.timeout.IdleStateHandler;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * What SSE and WebSocket share: one long-lived connection at a time, opened by {@link #attempt()},
 * counted on the wire, watched for silence, paused by turning off auto-read. A style adds its own
 * handlers behind those, and ignores anything from a connection it already gave up
 * ({@link #isCurrent}).
 */
abstract class ConnectionStyleClient extends AbstractStyleClient {

    private Channel channel;

    ConnectionStyleClient(ClientResources resources, Subscription subscription, StreamListener listener, Continuity continuity) {
        super(resources, subscription, listener, continuity);
    }

    /** How long without any byte before the style's handler gets an {@code IdleStateEvent}. */
    protected abstract Duration readIdle();

    /** Adds the style's handlers; the wire counter and the idle handler are already in place. */
    protected abstract void addHandlers(ChannelPipeline pipeline);

    @Override
    protected final void attempt() {
        ChannelFuture connect = resources.bootstrap(loop, subscription.localAddress())
                .handler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        ch.config().setAutoRead(!paused());
                        ch.pipeline().addLast(WireCounter.NAME, new WireCounter(counters))
                                .addLast("idle", new IdleStateHandler(readIdle().toSeconds(), 0, 0, TimeUnit.SECONDS));
                        addHandlers(ch.pipeline());
                    }
                })
                .connect(subscription.gateway().socket());
        channel = connect.channel();
        connect.addListener((ChannelFuture f) -> {
            if (!f.isSuccess() && isCurrent(f.channel())) {
                retryAfterError("connect failed: " + f.cause().getMessage());
            }
        });
    }

    @Override
    protected final void abort() {
        if (channel != null) {
            Channel c = channel;
            channel = null;
            c.close();
        }
    }

    @Override
    protected final void pausedChanged() {
        if (channel != null) {
            channel.config().setAutoRead(!paused());
        }
    }

    /** Whether {@code ch} is the connection in use (not one abandoned by a retry or a close). */
    protected final boolean isCurrent(Channel ch) {
        return ch == channel;
    }
}
