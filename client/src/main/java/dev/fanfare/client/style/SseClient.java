package dev.fanfare.client.style;

import com.fasterxml.jackson.databind.JsonNode;
import dev.fanfare.client.sse.SseEvent;
import dev.fanfare.client.sse.SseFormatException;
import dev.fanfare.client.sse.SseParser;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.timeout.IdleStateEvent;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * Server-Sent Events: one streaming {@code GET /sse}, parsed as it arrives. Reconnects like a browser's
 * {@code EventSource}: after the gateway's {@code retry:} delay, sending {@code Last-Event-ID}.
 */
final class SseClient extends ConnectionStyleClient {

    /** The gateway sends a heartbeat at least every 15 s; three missed ones mean the connection is dead. */
    static final Duration READ_IDLE = Duration.ofSeconds(45);
    private static final Duration DEFAULT_RETRY = Duration.ofSeconds(2);
    private static final int MAX_LINE_BYTES = 1024 * 1024;
    private static final int MAX_DATA_CHARS = 4 * 1024 * 1024;
    private static final int MAX_ERROR_BODY = 4096;

    private Duration retryDelay = DEFAULT_RETRY;

    SseClient(ClientResources resources, Subscription subscription, StreamListener listener, Continuity continuity) {
        super(resources, subscription, listener, continuity);
    }

    @Override
    public Style style() {
        return Style.SSE;
    }

    @Override
    protected Duration readIdle() {
        return READ_IDLE;
    }

    @Override
    protected void addHandlers(ChannelPipeline pipeline) {
        pipeline.addLast("http", new HttpClientCodec()).addLast("sse", new StreamHandler());
    }

    private FullHttpRequest request() {
        FullHttpRequest request = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET,
                GatewayAddress.target("/sse", subscription.channels(), "cursor", subscription.cursor(),
                        // the first heartbeat at once: a stream held back by a proxy shows as silence
                        "heartbeat", "event", "max_rate", subscription.maxRateParam()));
        request.headers().set(HttpHeaderNames.HOST, subscription.gateway().hostHeader())
                .set(HttpHeaderNames.ACCEPT, "text/event-stream")
                .set(HttpHeaderNames.CACHE_CONTROL, HttpHeaderValues.NO_CACHE)
                .set(HttpHeaderNames.CONTENT_LENGTH, 0);
        subscription.gateway().authorize(request.headers());
        String resumeFrom = intake.cursor();
        if (resumeFrom != null && !resumeFrom.equals(subscription.cursor())) {
            request.headers().set("Last-Event-ID", resumeFrom);
        }
        return request;
    }

    /** One per connection: the response head decides between streaming and an error answer. */
    private final class StreamHandler extends SimpleChannelInboundHandler<HttpObject> implements SseParser.Handler {

        private final SseParser parser = new SseParser(this, MAX_LINE_BYTES, MAX_DATA_CHARS);
        private final StringBuilder errorBody = new StringBuilder();
        private boolean streaming;
        private int errorStatus;
        private long readNanos;
        private String disconnectReason;
        private boolean heard;

        /**
         * Nothing of the stream, not even the heartbeat the gateway sends first (a buffering proxy may hold back
         * the head too): something in the way is holding it back.
         */
        private void watchForStall(ChannelHandlerContext ctx) {
            ctx.executor().schedule(() -> {
                if (isCurrent(ctx.channel()) && !heard) {
                    // On its own the client waits: a buffering proxy delivers late, in bursts, but delivers.
                    unavailable("the stream opened but delivered nothing, not even a heartbeat, for "
                            + stallTimeout().toMillis() + " ms (a buffering proxy?)", () -> { });
                }
            }, stallTimeout().toMillis(), TimeUnit.MILLISECONDS);
        }

        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            counters.httpRequestSent();
            ctx.writeAndFlush(request());
            watchForStall(ctx);
            ctx.fireChannelActive();
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, HttpObject msg) {
            if (!isCurrent(ctx.channel())) {
                return;
            }
            readNanos = System.nanoTime();
            if (msg instanceof HttpResponse response) {
                String type = response.headers().get(HttpHeaderNames.CONTENT_TYPE, "");
                if (response.status().code() == 200 && type.startsWith("text/event-stream")) {
                    streaming = true;
                    healthy();
                    subscribed();
                } else if (response.status().code() == 200) {
                    unavailable("answered " + (type.isEmpty() ? "without a Content-Type" : type) + ", not an event stream",
                            () -> retryAfterError("not an event stream: " + type));
                    return;
                } else {
                    errorStatus = response.status().code();
                }
            }
            if (msg instanceof HttpContent content) {
                if (streaming) {
                    heard |= content.content().isReadable();
                    try {
                        parser.feed(content.content());
                    } catch (SseFormatException e) {
                        retryAfterError(e.getMessage());
                        return;
                    }
                } else if (errorBody.length() < MAX_ERROR_BODY) {
                    errorBody.append(content.content().toString(StandardCharsets.UTF_8));
                }
                if (msg instanceof LastHttpContent && isCurrent(ctx.channel())) {
                    ended();
                }
            }
        }

        private void ended() {
            if (streaming) {
                retryAfter(retryDelay, disconnectReason == null
                        ? "stream ended by the gateway" : "disconnected by the gateway: " + disconnectReason);
                return;
            }
            String reason = describeError(errorStatus, errorBody.toString());
            if (isPermanent(errorStatus)) {
                failPermanently(reason);
            } else {
                retryAfterError(reason);
            }
        }

        @Override
        public void onEvent(SseEvent event) {
            switch (event.type()) {
                case SseEvent.DEFAULT_TYPE -> {
                    JsonNode envelope = parseJson(event.data());
                    if (envelope != null) {
                        intake.event(envelope, readNanos);
                    }
                }
                case "gap" -> {
                    JsonNode gap = parseJson(event.data());
                    if (gap != null) {
                        String cursor = EventIntake.textOrNull(gap.get("cursor"));
                        intake.gap(gap.get("channels"), cursor != null ? cursor : event.lastEventId(), readNanos);
                    }
                }
                case "disconnect" -> {
                    JsonNode why = parseJson(event.data());
                    disconnectReason = why == null ? event.data() : why.path("reason").asText(event.data());
                }
                default -> {
                    // Event types this client does not know are ignored, as EventSource would.
                }
            }
        }

        @Override
        public void onRetry(long millis) {
            retryDelay = Duration.ofMillis(millis);
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
            if (evt instanceof IdleStateEvent && isCurrent(ctx.channel())) {
                retryAfterError("no data (not even a heartbeat) for " + READ_IDLE.toSeconds() + " s");
            }
            ctx.fireUserEventTriggered(evt);
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            if (isCurrent(ctx.channel()) && !stopped()) {
                if (streaming) {
                    retryAfter(retryDelay, disconnectReason == null
                            ? "connection lost" : "disconnected by the gateway: " + disconnectReason);
                } else {
                    retryAfterError("connection closed before the stream started");
                }
            }
            ctx.fireChannelInactive();
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            if (isCurrent(ctx.channel()) && !stopped()) {
                retryAfterError(String.valueOf(cause.getMessage()));
            } else {
                ctx.close();
            }
        }
    }
}
