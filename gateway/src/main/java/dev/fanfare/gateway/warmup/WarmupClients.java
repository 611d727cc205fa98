package dev.fanfare.gateway.warmup;

import com.fasterxml.jackson.databind.JsonNode;
import dev.fanfare.gateway.core.ChannelName;
import dev.fanfare.gateway.core.Json;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufInputStream;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.websocketx.WebSocketClientProtocolConfig;
import io.netty.handler.codec.http.websocketx.WebSocketClientProtocolHandler;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.util.ReferenceCountUtil;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;

/**
 * The warm-up's clients, on a loop of their own: SSE streams and WebSockets that count the events
 * they read, long polls that follow their cursor, and one keep-alive connection that publishes.
 * They speak the gateway's protocols as any client does, and check nothing: what is checked is the
 * node's own tests' business; this only has to run the code.
 */
final class WarmupClients implements AutoCloseable {

    /** In every event's payload, once; in no channel name, head or cursor. */
    private static final byte[] MARK = "warmup".getBytes(StandardCharsets.US_ASCII);
    private static final String PAD = "x".repeat(80);
    /** A parked long poll answers within this, empty, and is asked again: the timeout path runs too. */
    private static final int LONG_POLL_TIMEOUT_SECONDS = 1;

    private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    private final InetSocketAddress server;
    private final String host;
    private final List<ChannelName> channels;
    private final AtomicLong streamed = new AtomicLong();
    private final AtomicLong longPolled = new AtomicLong();
    private final AtomicLong longPolls = new AtomicLong();
    private volatile boolean running = true;
    private Channel publisher;
    private volatile CompletableFuture<Integer> answer;

    WarmupClients(InetSocketAddress server, List<ChannelName> channels) {
        this.server = server;
        this.host = server.getAddress().getHostAddress() + ":" + server.getPort();
        this.channels = channels;
    }

    /** Events read by every SSE stream and WebSocket together. */
    long streamed() {
        return streamed.get();
    }

    /** Events long polls were answered with. */
    long longPolled() {
        return longPolled.get();
    }

    /** Long polls answered. */
    long longPolls() {
        return longPolls.get();
    }

    void sse(int channel) {
        connect(p -> p.addLast(new HttpClientCodec(), new MarkCounter(streamed)),
                ch -> ch.writeAndFlush(get("/sse?channel=" + channels.get(channel))));
    }

    void webSocket(int channel) {
        WebSocketClientProtocolConfig ws = WebSocketClientProtocolConfig.newBuilder()
                .webSocketUri(URI.create("ws://" + host + "/ws?channel=" + channels.get(channel)))
                .generateOriginHeader(false).maxFramePayloadLength(1 << 20).build();
        connect(p -> p.addLast(new HttpClientCodec(), new HttpObjectAggregator(1 << 16),
                new WebSocketClientProtocolHandler(ws), new MarkCounter(streamed)), ch -> { });
    }

    void longPoll(int channel) {
        connect(p -> p.addLast(new HttpClientCodec(), new HttpObjectAggregator(1 << 20),
                new LongPoller(channels.get(channel).toString())), ch -> { });
    }

    /**
     * Publishes event {@code n} to {@code channel} and waits for its answer, until {@code deadline};
     * JSON and plain text by turns, as clients publish both. Whether it was accepted.
     */
    boolean publish(int channel, int n, long deadline) throws InterruptedException {
        if (publisher == null) {
            publisher = connect(p -> p.addLast(new HttpClientCodec(), new HttpObjectAggregator(1 << 16), new Answers()),
                    ch -> { }).syncUninterruptibly().channel();
        }
        boolean json = n % 2 == 0;
        String body = json ? "{\"warmup\":" + n + ",\"pad\":\"" + PAD + "\"}" : "warmup " + n + " " + PAD;
        FullHttpRequest req = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.POST,
                "/publish/" + channels.get(channel), Unpooled.copiedBuffer(body, StandardCharsets.UTF_8));
        req.headers().set(HttpHeaderNames.HOST, host)
                .set(HttpHeaderNames.CONTENT_TYPE, json ? HttpHeaderValues.APPLICATION_JSON : HttpHeaderValues.TEXT_PLAIN)
                .setInt(HttpHeaderNames.CONTENT_LENGTH, req.content().readableBytes());
        CompletableFuture<Integer> f = new CompletableFuture<>();
        answer = f;
        publisher.writeAndFlush(req);
        try {
            int status = f.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            return status / 100 == 2;
        } catch (TimeoutException | ExecutionException e) {
            return false;
        }
    }

    /** Until the streams together have read {@code events}, or {@code deadline}. */
    boolean awaitStreamed(long events, long deadline) {
        while (streamed.get() < events) {
            if (System.nanoTime() > deadline) {
                return false;
            }
            LockSupport.parkNanos(50_000);
        }
        return true;
    }

    private io.netty.channel.ChannelFuture connect(Consumer<ChannelPipeline> pipeline, Consumer<Channel> onActive) {
        return new Bootstrap().group(group).channel(NioSocketChannel.class)
                .option(ChannelOption.TCP_NODELAY, true)
                .handler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        pipeline.accept(ch.pipeline());
                        ch.pipeline().addFirst(new ChannelInboundHandlerAdapter() {
                            @Override
                            public void channelActive(ChannelHandlerContext ctx) {
                                ctx.fireChannelActive();
                                onActive.accept(ctx.channel());
                            }
                        });
                    }
                })
                .connect(server);
    }

    private FullHttpRequest get(String uri) {
        FullHttpRequest req = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, uri, Unpooled.EMPTY_BUFFER);
        req.headers().set(HttpHeaderNames.HOST, host);
        return req;
    }

    @Override
    public void close() {
        running = false;
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    /** Counts {@link #MARK} in what a stream reads (SSE chunks or WebSocket frames), across reads. */
    private static final class MarkCounter extends ChannelInboundHandlerAdapter {
        private final AtomicLong count;
        private int matched;

        MarkCounter(AtomicLong count) {
            this.count = count;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            try {
                ByteBuf b = msg instanceof HttpContent c ? c.content() : msg instanceof WebSocketFrame f ? f.content() : null;
                if (b != null) {
                    count.addAndGet(count(b));
                }
            } finally {
                ReferenceCountUtil.release(msg);
            }
        }

        private int count(ByteBuf b) {
            int n = 0;
            for (int i = b.readerIndex(); i < b.writerIndex(); i++) {
                byte c = b.getByte(i);
                matched = c == MARK[matched] ? matched + 1 : c == MARK[0] ? 1 : 0;
                if (matched == MARK.length) {
                    n++;
                    matched = 0;
                }
            }
            return n;
        }
    }

    /** A long poll that asks again from the cursor of each answer, while the warm-up runs. */
    private final class LongPoller extends SimpleChannelInboundHandler<FullHttpResponse> {
        private final String channel;

        LongPoller(String channel) {
            this.channel = channel;
        }

        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            ctx.writeAndFlush(get(path(null)));
            ctx.fireChannelActive();
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, FullHttpResponse res) throws IOException {
            if (res.status().code() != 200) {
                ctx.close(); // not expected; this poller stops, the warm-up goes on without it
                return;
            }
            JsonNode body = Json.MAPPER.readTree((java.io.InputStream) new ByteBufInputStream(res.content()));
            longPolls.incrementAndGet();
            longPolled.addAndGet(body.path("events").size());
            if (running) {
                ctx.writeAndFlush(get(path(body.path("cursor").asText(null))));
            }
        }

        private String path(String cursor) {
            return "/longpoll?channel=" + channel + "&timeout=" + LONG_POLL_TIMEOUT_SECONDS
                    + (cursor == null ? "" : "&cursor=" + URLEncoder.encode(cursor, StandardCharsets.UTF_8));
        }
    }

    /** The publisher's answers, one outstanding at a time. */
    private final class Answers extends SimpleChannelInboundHandler<FullHttpResponse> {
        @Override
        protected void channelRead0(ChannelHandlerContext ctx, FullHttpResponse res) {
            answer.complete(res.status().code());
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            CompletableFuture<Integer> f = answer;
            if (f != null) {
                f.completeExceptionally(new IOException("the publishing connection closed"));
            }
        }
    }
}
