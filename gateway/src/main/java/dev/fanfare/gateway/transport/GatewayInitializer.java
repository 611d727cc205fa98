package dev.fanfare.gateway.transport;

import dev.fanfare.gateway.transport.longpoll.LongPollEndpoint;
import dev.fanfare.gateway.transport.poll.PollEndpoint;
import dev.fanfare.gateway.transport.sse.SseEndpoint;
import dev.fanfare.gateway.transport.ws.WebSocketEndpoint;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.HttpMethod;
import java.util.Map;

/**
 * Every connection starts as HTTP/1.1 ({@link Pipelines#http}) and is routed by one table: the
 * gateway's whole HTTP surface is {@link #routes}.
 */
public final class GatewayInitializer extends ChannelInitializer<SocketChannel> {

    private final GatewayServices services;
    private final Routes routes;
    private final ConnectionLimiter limiter;

    public GatewayInitializer(GatewayServices services, ConnectionLimiter limiter) {
        this.services = services;
        this.routes = routes(services);
        this.limiter = limiter;
    }

    /** Every path, its methods and its endpoint. */
    static Routes routes(GatewayServices services) {
        CounterRequests counterRequests = new CounterRequests(services.counters(), services.access().limits(),
                services.metrics());
        PublishRequests publishes = new PublishRequests(services.publisher(), services.access().limits());
        CounterEndpoint counters = new CounterEndpoint(counterRequests);
        return Routes.builder()
                .get("/poll", new PollEndpoint(services)::handle)
                .get("/longpoll", new LongPollEndpoint(services)::handle)
                .get("/sse", new SseEndpoint(services)::handle)
                .get(WebSocketEndpoint.PATH, new WebSocketEndpoint(services, counterRequests, publishes)::handle)
                .get(ViewersEndpoint.PATH, new ViewersEndpoint(services)::handle)
                .get(HttpRouter.HEALTH, new HealthEndpoint(services)::handle)
                .get(MetricsEndpoint.PATH, new MetricsEndpoint(services.metrics(), services.blocking())::handle)
                .post(PublishEndpoint.PREFIX, new PublishEndpoint(services, publishes)::handle)
                .post(CounterEndpoint.CLAPS, counters::clap)
                .route(CounterEndpoint.LIKES, true, "PUT to like, DELETE to unlike",
                        Map.of(HttpMethod.PUT, counters::like, HttpMethod.DELETE, counters::unlike))
                .build();
    }

    @Override
    protected void initChannel(SocketChannel ch) {
        services.connections().add(ch);
        ch.pipeline().addLast(Pipelines.LIMITS, limiter);
        ch.pipeline().addLast(Pipelines.ADDRESS_LIMITS, services.access().connections());
        configure(ch.pipeline());
    }

    /** The HTTP pipeline every connection starts with (tests build it on an EmbeddedChannel). */
    public void configure(ChannelPipeline p) {
        Pipelines.http(p, services.config().http(), services.access(),
                new HttpRouter(routes, services.staticFiles(), services.access()));
    }
}
