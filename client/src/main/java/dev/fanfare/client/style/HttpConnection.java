package dev.fanfare.client.style;

import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoop;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.Promise;
import io.netty.util.concurrent.ScheduledFuture;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.InetAddress;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * One keep-alive HTTP/1.1 connection carrying one request at a time, reopened on demand: what a
 * browser's polling loop uses, and what the load runs publish with. Confined to its event loop: call
 * {@link #get} and {@link #post} there ({@link #fetch} is the blocking form for other threads).
 */
public final class HttpConnection {

    /** Answers larger than this fail the request (a poll answer is at most {@code limit} events). */
    static final int MAX_REPLY_BYTES = 16 * 1024 * 1024;

    /** The two moments of an exchange: the request is on the wire; the answer is in. */
    public record Exchange(Future<Void> written, Future<HttpReply> reply) {
    }

    private final ClientResources resources;
    private final EventLoop loop;
    private final GatewayAddress gateway;
    private final InetAddress localAddress;
    private final ClientCounters counters;

    private Channel channel;
    private Promise<HttpReply> pending;
    private ScheduledFuture<?> deadline;

    public HttpConnection(ClientResources resources, EventLoop loop, GatewayAddress gateway, InetAddress localAddress,
                          ClientCounters counters) {
        this.resources = resources;
        this.loop = loop;
        this.gateway = gateway;
        this.localAddress = localAddress;
        this.counters = counters;
    }

    /**
     * One GET from a thread that may block (never an event loop): connects, asks, closes.
     *
     * @throws IOException when no answer came (refused, closed, timed out)
     */
    public static HttpReply fetch(ClientResources resources, GatewayAddress gateway, String target, Duration timeout)
            throws IOException {
        EventLoop loop = resources.controlLoop();
        if (loop.inEventLoop()) {
            throw new IllegalStateException("HttpConnection.fetch blocks: not on an event loop");
        }
        HttpConnection connection = new HttpConnection(resources, loop, gateway, null, new ClientCounters());
        try {
            Future<HttpReply> reply = loop.submit(() -> connection.get(target, timeout).reply()).get().await();
            if (!reply.isSuccess()) {
                throw new IOException("GET " + target + " on " + gateway.baseUrl() + ": " + reply.cause().getMessage(),
                        reply.cause());
            }
            return reply.getNow();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted during GET " + target);
        } catch (ExecutionException e) {
            throw new IOException("GET " + target + ": " + e.getCause(), e.getCause());
        } finally {
            loop.execute(connection::close);
        }
    }

    /** Sends a GET; the answer fails after {@code timeout}. */
    public Exchange get(String target, Duration timeout) {
        return send(request(HttpMethod.GET, target, null, null), timeout);
    }

    /** Sends a POST with {@code body} of type {@code contentType}. */
    public Exchange post(String target, byte[] body, String contentType, Duration timeout) {
        return send(request(HttpMethod.POST, target, body, contentType), timeout);
    }

    private FullHttpRequest request(HttpMethod method, String target, byte[] body, String contentType) {
        FullHttpRequest request = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, method, target,
                body == null ? Unpooled.EMPTY_BUFFER : Unpooled.wrappedBuffer(body));
        request.headers().set(HttpHeaderNames.HOST, gateway.hostHeader());
        request.headers().set(HttpHeaderNames.ACCEPT, HttpHeaderValues.APPLICATION_JSON);
        gateway.authorize(request.headers());
        if (body != null) {
            request.headers().set(HttpHeaderNames.CONTENT_TYPE, contentType);
        }
        HttpUtil.setContentLength(request, body == null ? 0 : body.length);
        return request;
    }

    private Exchange send(FullHttpRequest request, Duration timeout) {
        if (!loop.inEventLoop()) {
            request.release();
            throw new IllegalStateException("HttpConnection.send called off its event loop");
        }
        if (pending != null) {
            request.release();
            throw new IllegalStateException("HttpConnection carries one request at a time");
        }
        Promise<HttpReply> reply = loop.newPromise();
        Promise<Void> written = loop.newPromise();
        pending = reply;
        deadline = loop.schedule(() -> expire(reply, timeout), timeout.toMillis(), TimeUnit.MILLISECONDS);
        if (channel != null && channel.isActive()) {
            write(channel, request, reply, written);
        } else {
            connect().addListener((ChannelFuture f) -> {
                if (pending != reply) {
                    request.release();
                    written.tryFailure(new IOException("request abandoned"));
                    if (f.isSuccess()) {
                        f.channel().close();
                    }
                } else if (f.isSuccess()) {
                    channel = f.channel();
                    write(channel, request, reply, written);
                } else {
                    request.release();
                    written.tryFailure(f.cause());
                    fail(reply, f.cause());
                }
            });
        }
        return new Exchange(written, reply);
    }

    private void write(Channel ch, FullHttpRequest request, Promise<HttpReply> reply, Promise<Void> written) {
        counters.httpRequestSent();
        ch.writeAndFlush(request).addListener((ChannelFuture f) -> {
            if (f.isSuccess()) {
                written.trySuccess(null);
            } else {
                written.tryFailure(f.cause());
                fail(reply, f.cause());
                ch.close();
            }
        });
    }

    private ChannelFuture connect() {
        return resources.bootstrap(loop, localAddress)
                .handler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        ch.pipeline().addLast(WireCounter.NAME, new WireCounter(counters))
                                .addLast("http", new HttpClientCodec())
                                .addLast("aggregator", new HttpObjectAggregator(MAX_REPLY_BYTES))
                                .addLast("reply", new ReplyHandler());
                    }
                })
                .connect(gateway.socket());
    }

    private void expire(Promise<HttpReply> reply, Duration timeout) {
        if (pending == reply) {
            fail(reply, new TimeoutException("no answer within " + timeout.toMillis() + " ms"));
            if (channel != null) {
                // A late answer would be taken for the next request's: this connection is done.
                channel.close();
                channel = null;
            }
        }
    }

    private void fail(Promise<HttpReply> reply, Throwable cause) {
        if (pending == reply) {
            pending = null;
            deadline.cancel(false);
        }
        reply.tryFailure(cause);
    }

    /** Abandons any request in flight and closes the connection. */
    public void close() {
        if (pending != null) {
            fail(pending, new IOException("connection closed by the client"));
        }
        if (channel != null) {
            channel.close();
            channel = null;
        }
    }

    private final class ReplyHandler extends SimpleChannelInboundHandler<FullHttpResponse> {

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, FullHttpResponse response) {
            Promise<HttpReply> reply = pending;
            if (reply == null || ctx.channel() != channel) {
                ctx.close(); // an answer nobody asked for: the exchange is out of step
                return;
            }
            pending = null;
            deadline.cancel(false);
            if (!HttpUtil.isKeepAlive(response)) {
                channel = null;
                ctx.close();
            }
            String type = response.headers().get(HttpHeaderNames.CONTENT_TYPE, "");
            reply.trySuccess(new HttpReply(response.status().code(), type, ByteBufUtil.getBytes(response.content())));
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            if (ctx.channel() == channel) {
                channel = null;
                if (pending != null) {
                    fail(pending, new IOException("connection closed before the answer"));
                }
            }
            ctx.fireChannelInactive();
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            if (ctx.channel() == channel && pending != null) {
                fail(pending, cause);
            }
            ctx.close();
        }
    }
}
