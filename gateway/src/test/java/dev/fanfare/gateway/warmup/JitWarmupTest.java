package dev.fanfare.gateway.warmup;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fanfare.gateway.config.GatewayConfig;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import java.time.Duration;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The warm-up over real loopback sockets, on a real loop group, with the gateway's own pipeline: every
 * style is served, every streaming subscriber reads every event, and nothing of it is left when it ends.
 */
class JitWarmupTest {

    private EventLoopGroup boss;
    private EventLoopGroup workers;
    private ExecutorService blocking;
    private final AtomicInteger bound = new AtomicInteger();
    /** The warm-up's server socket and every connection it accepted. */
    private final Queue<Channel> opened = new ConcurrentLinkedQueue<>();

    @BeforeEach
    void setUp() {
        boss = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        workers = new MultiThreadIoEventLoopGroup(2, NioIoHandler.newFactory());
        blocking = Executors.newSingleThreadExecutor();
    }

    @AfterEach
    void tearDown() throws InterruptedException {
        boss.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
        workers.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
        blocking.shutdownNow();
    }

    private JitWarmup.Result run(GatewayConfig config, Duration budget, int maxEvents) {
        return JitWarmup.run(config, workers, blocking, handler -> {
            bound.incrementAndGet();
            return new ServerBootstrap().group(boss, workers).channel(NioServerSocketChannel.class)
                    .handler(new ChannelInboundHandlerAdapter() {
                        @Override
                        public void channelActive(ChannelHandlerContext ctx) {
                            opened.add(ctx.channel());
                            ctx.fireChannelActive();
                        }
                    })
                    .childHandler(new ChannelInitializer<Channel>() {
                        @Override
                        protected void initChannel(Channel ch) {
                            opened.add(ch);
                            ch.pipeline().addLast(handler);
                        }
                    });
        }, budget, maxEvents);
    }

    @Test
    void everyStreamingSubscriberReadsEveryEventAndLongPollsAreAnswered() {
        JitWarmup.Result r = run(GatewayConfig.defaults(), Duration.ofMinutes(2), 60);

        assertEquals(60, r.events());
        assertFalse(r.budgetSpent());
        long streamed = 60L * (JitWarmup.SSE + JitWarmup.WS) / JitWarmup.CHANNELS;
        assertTrue(r.deliveries() >= streamed, "each event to each SSE and WebSocket subscriber of its channel: " + r);
        assertTrue(r.longPolls() > 0, "long polls answered: " + r);
        assertEquals(1, bound.get(), "one private server");
        assertTrue(opened.size() > JitWarmup.SSE + JitWarmup.WS, "its server and its connections: " + opened.size());
        assertEquals(List.of(), opened.stream().filter(Channel::isOpen).toList(), "none left open");
    }

    @Test
    void itRunsWhenTheNodeRequiresTokensAndLimitsConnectionsPerAddress() {
        GatewayConfig locked = GatewayConfig.defaults()
                .withAuth(a -> a.withJwtSecret("0123456789abcdef0123456789abcdef").withPublicStreams(List.of())
                        .withAllowedOrigins(List.of("https://example.com")))
                .withLimits(l -> l.withConnectionsPerAddress(10));

        JitWarmup.Result r = run(locked, Duration.ofMinutes(2), 10);

        assertEquals(10, r.events(), "the warm-up's own server is open to loopback: " + r);
    }

    @Test
    void aBudgetTooShortEndsItEarlyAndSaysSo() {
        JitWarmup.Result r = run(GatewayConfig.defaults(), Duration.ofMillis(1), JitWarmup.MAX_EVENTS);

        assertTrue(r.budgetSpent(), r.toString());
        assertTrue(r.events() < JitWarmup.MAX_EVENTS, r.toString());
    }

    @Test
    void noBudgetIsNoWarmUp() {
        assertEquals(JitWarmup.Result.NONE, run(GatewayConfig.defaults(), Duration.ZERO, JitWarmup.MAX_EVENTS));
        assertEquals(0, bound.get());
    }
}
