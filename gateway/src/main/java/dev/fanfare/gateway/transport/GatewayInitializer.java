package dev.fanfare.gateway.transport;

import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.HttpServerCodec;
import java.util.List;

/**
 * Every connection starts as HTTP/1.1: codec, aggregator (bounded bodies), router. SSE and
 * WebSocket rebuild the pipeline once they take the connection over.
 */
public final class GatewayInitializer extends ChannelInitializer<SocketChannel> {

    private final GatewayServices services;
    private final HttpRouter.Endpoints endpoints;

    public GatewayInitializer(GatewayServices services, List<HttpRouter.Route> extraRoutes) {
        this.services = services;
        this.endpoints = new HttpRouter.Endpoints(services, extraRoutes);
    }

    @Override
    protected void initChannel(SocketChannel ch) {
        services.connections().add(ch);
        configure(ch.pipeline());
    }

    /** The HTTP pipeline every connection starts with (tests build it on an EmbeddedChannel). */
    public void configure(ChannelPipeline p) {
        var c = services.config();
        p.addLast("http", new HttpServerCodec(c.maxInitialLineBytes(), c.maxHeaderBytes(), 8192));
        p.addLast("aggregator", new JsonHttpObjectAggregator(c.maxBodyBytes()));
        p.addLast(DrainHandler.NAME, new DrainHandler());
        p.addLast("router", new HttpRouter(endpoints));
    }
}
