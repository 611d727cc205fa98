package dev.fanfare.gateway.transport;

import dev.fanfare.gateway.testing.LocalViewers;
import dev.fanfare.gateway.auth.Authenticators;
import dev.fanfare.gateway.config.GatewayConfig;
import dev.fanfare.gateway.core.Authenticator;
import dev.fanfare.gateway.core.ChannelName;
import dev.fanfare.gateway.core.CounterApi;
import dev.fanfare.gateway.core.Disconnects;
import dev.fanfare.gateway.core.FanoutHub;
import dev.fanfare.gateway.metrics.GatewayMetrics;
import dev.fanfare.gateway.core.LogEnds;
import dev.fanfare.gateway.core.RingLimits;
import dev.fanfare.gateway.core.SnapshotSource;
import dev.fanfare.gateway.core.StreamLayout;
import dev.fanfare.gateway.testing.LocalCounters;
import dev.fanfare.gateway.testing.LocalPublisher;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The gateway's real HTTP pipeline on {@link EmbeddedChannel}s (two connections), over a hub with
 * one shard per connection's loop. Kafka is out of the picture: records go to the hub directly.
 */
final class EmbeddedGateway implements AutoCloseable {

    /** One client connection. */
    final class Conn {
        final EmbeddedChannel channel = new EmbeddedChannel();

        void request(String raw) {
            channel.writeInbound(Unpooled.copiedBuffer(raw, StandardCharsets.ISO_8859_1));
            channel.runPendingTasks();
        }

        /** Everything written to the socket since the last call, as text. */
        String output() {
            StringBuilder b = new StringBuilder();
            for (Object o; (o = channel.readOutbound()) != null; ) {
                ByteBuf buf = (ByteBuf) o;
                b.append(buf.toString(StandardCharsets.UTF_8));
                buf.release();
            }
            return b.toString();
        }
    }

    /** One per auth configuration: a node says at start how it checks tokens, and these are many small nodes. */
    private static final Map<GatewayConfig.Auth, Authenticator> AUTHENTICATORS = new ConcurrentHashMap<>();

    final StreamLayout layout = StreamLayout.of(List.of("ticker", "demo"), List.of("t", "d"),
            List.of(UUID.randomUUID(), UUID.randomUUID()), List.of(2, 1));
    final Conn a = new Conn();
    final Conn b = new Conn();
    final FanoutHub hub;
    final LocalPublisher publisher;
    final GatewayServices services;

    EmbeddedGateway(GatewayConfig config) {
        this(config, new LocalCounters(50));
    }

    EmbeddedGateway(GatewayConfig config, CounterApi counters) {
        hub = new FanoutHub(layout, RingLimits.DEFAULT, new long[3], List.of(a.channel.eventLoop(), b.channel.eventLoop()),
                SnapshotSource.NONE, PooledByteBufAllocator.DEFAULT);
        publisher = new LocalPublisher(hub);
        services = new GatewayServices(config, hub,
                new RequestParams(layout, hub.cursors(), config.http().maxChannelsPerRequest()), publisher,
                LogEnds.NONE, counters, new LocalViewers(hub.viewers()), List.of(), StaticFiles.load("web"),
                new DefaultChannelGroup(GlobalEventExecutor.INSTANCE), new Disconnects(), new GatewayMetrics(), Runnable::run,
                Access.of(config, AUTHENTICATORS.computeIfAbsent(config.auth(), Authenticators::of)));
        GatewayInitializer init = new GatewayInitializer(services, new ConnectionLimiter(1000));
        init.configure(a.channel.pipeline());
        init.configure(b.channel.pipeline());
    }

    EmbeddedGateway() {
        this(GatewayConfig.defaults());
    }

    /**
     * Counts both connections as a node does when it accepts them, {@link #a} first: under
     * {@code limiter} (the node's connections) and the address limiter of the configuration (an
     * embedded connection comes from the machine's own address).
     */
    void countConnections(ConnectionLimiter limiter) {
        for (Conn c : List.of(a, b)) {
            c.channel.pipeline().addFirst(Pipelines.ADDRESS_LIMITS, services.access().connections());
            c.channel.pipeline().addFirst(Pipelines.LIMITS, limiter);
            c.channel.pipeline().fireChannelActive();
        }
    }

    /** Feeds one record to the hub as the Kafka source would, and runs both loops' tasks. */
    void publish(String stream, String key, String json) {
        publisher.publish(new ChannelName(stream, key), json.getBytes(StandardCharsets.UTF_8));
        a.channel.runPendingTasks();
        b.channel.runPendingTasks();
    }

    /** Feeds one record per key to the hub in one batch, as one Kafka poll would, and runs both loops' tasks. */
    void publishBatch(String stream, List<String> keys, String json) {
        publisher.publishBatch(keys.stream().map(k -> new ChannelName(stream, k)).toList(),
                json.getBytes(StandardCharsets.UTF_8));
        a.channel.runPendingTasks();
        b.channel.runPendingTasks();
    }

    @Override
    public void close() {
        a.channel.finishAndReleaseAll();
        b.channel.finishAndReleaseAll();
        hub.close();
    }

    static List<String> lines(String text, String prefix) {
        List<String> out = new ArrayList<>();
        for (String l : text.split("\n")) {
            if (l.startsWith(prefix)) {
                out.add(l.substring(prefix.length()));
            }
        }
        return out;
    }
}
