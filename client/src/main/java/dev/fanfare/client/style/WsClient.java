package dev.fanfare.client.style;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketClientHandshakeException;
import io.netty.handler.codec.http.websocketx.WebSocketClientProtocolConfig;
import io.netty.handler.codec.http.websocketx.WebSocketClientProtocolHandler;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrameAggregator;
import io.netty.handler.codec.http.websocketx.WebSocketVersion;
import io.netty.handler.timeout.IdleStateEvent;

import java.net.URI;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * WebSocket: connect to {@code /ws}, send {@code subscribe} with the cursor, read {@code event},
 * {@code gap}, {@code ack} and {@code error} messages. Pongs the gateway's pings (Netty does), and pings
 * the gateway itself after a quiet spell; a second quiet spell closes and resumes.
 */
final class WsClient extends ConnectionStyleClient {

    /** The gateway pings every 20 s. */
    static final Duration READ_IDLE = Duration.ofSeconds(30);
    private static final int MAX_MESSAGE_BYTES = 4 * 1024 * 1024;
    private static final String SUBSCRIBE_ID = "subscribe";
    /** Close codes that mean "this request is wrong" rather than "come back later". */
    private static final Set<Integer> PERMANENT_CLOSE_CODES = Set.of(1003, 1007, 1008, 1009);


    WsClient(ClientResources resources, Subscription subscription, StreamListener listener, Continuity continuity) {
        super(resources, subscription, listener, continuity);
    }

    @Override
    public Style style() {
        return Style.WS;
    }

    @Override
    protected Duration readIdle() {
        return READ_IDLE;
    }

    @Override
    protected void addHandlers(ChannelPipeline pipeline) {
        WebSocketClientProtocolConfig config = WebSocketClientProtocolConfig.newBuilder()
                .webSocketUri(URI.create("ws://" + subscription.gateway().hostHeader() + "/ws"))
                .customHeaders(subscription.gateway().authorize(new DefaultHttpHeaders()))
                .version(WebSocketVersion.V13)
                .maxFramePayloadLength(MAX_MESSAGE_BYTES)
                .handleCloseFrames(false)
                .dropPongFrames(false)
                .handshakeTimeoutMillis(10_000)
                .build();
        pipeline.addLast("http", new HttpClientCodec())
                .addLast("handshake-aggregator", new HttpObjectAggregator(64 * 1024))
                .addLast("ws", new WebSocketClientProtocolHandler(config))
                .addLast("ws-aggregator", new WebSocketFrameAggregator(MAX_MESSAGE_BYTES))
                .addLast("messages", new MessageHandler());
    }

    private TextWebSocketFrame subscribeMessage() {
        ObjectNode message = resources.json().createObjectNode();
        message.put("type", "subscribe");
        subscription.channels().forEach(message.putArray("channels")::add);
        if (intake.cursor() != null) {
            message.put("cursor", intake.cursor());
        }
        if (subscription.maxRate() > 0) {
            message.put("max_rate", subscription.maxRate());
        }
        message.put("id", SUBSCRIBE_ID);
        return new TextWebSocketFrame(message.toString());
    }

    /** One per connection. */
    private final class MessageHandler extends SimpleChannelInboundHandler<WebSocketFrame> {

        private int quietSpells;
        private boolean acknowledged;
        private int closeCode = -1;
        private String closeReason = "";

        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            counters.httpRequestSent(); // the upgrade request, sent by the protocol handler
            ctx.fireChannelActive();
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
            if (!isCurrent(ctx.channel())) {
                ctx.fireUserEventTriggered(evt);
                return;
            }
            if (evt == WebSocketClientProtocolHandler.ClientHandshakeStateEvent.HANDSHAKE_COMPLETE) {
                ctx.writeAndFlush(subscribeMessage());
                // An upgraded socket that carries no answer is no use: something in the way holds the frames.
                ctx.executor().schedule(() -> {
                    if (isCurrent(ctx.channel()) && !acknowledged) {
                        unavailable("the socket opened but the subscription was not acknowledged within "
                                + stallTimeout().toMillis() + " ms", () -> retryAfterError("subscribe not acknowledged"));
                    }
                }, stallTimeout().toMillis(), TimeUnit.MILLISECONDS);
            } else if (evt == WebSocketClientProtocolHandler.ClientHandshakeStateEvent.HANDSHAKE_TIMEOUT) {
                retryAfterError("WebSocket handshake timed out");
            } else if (evt instanceof IdleStateEvent) {
                if (++quietSpells >= 2) {
                    retryAfterError("no frame (not even a ping) for " + 2 * READ_IDLE.toSeconds() + " s");
                } else {
                    ctx.writeAndFlush(new PingWebSocketFrame());
                }
            }
            ctx.fireUserEventTriggered(evt);
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, WebSocketFrame frame) {
            if (!isCurrent(ctx.channel())) {
                return;
            }
            quietSpells = 0;
            if (frame instanceof TextWebSocketFrame text) {
                long receivedNanos = System.nanoTime();
                JsonNode message = parseJson(text.content());
                if (message != null) {
                    onMessage(message, receivedNanos);
                }
            } else if (frame instanceof CloseWebSocketFrame close) {
                closeCode = close.statusCode();
                closeReason = close.reasonText();
                ctx.close(); // the protocol handler answers with a close frame first
            }
        }

        private void onMessage(JsonNode message, long receivedNanos) {
            switch (message.path("type").asText("")) {
                case "event" -> {
                    // A resume's events come before the acknowledgement: the first already proves the subscription.
                    if (!acknowledged) {
                        acknowledged = true;
                        healthy();
                        subscribed();
                    }
                    intake.event(message, receivedNanos);
                }
                case "gap" -> intake.gap(message.get("channels"), EventIntake.textOrNull(message.get("cursor")),
                        receivedNanos);
                case "ack" -> {
                    if (SUBSCRIBE_ID.equals(message.path("id").asText()) && !acknowledged) {
                        acknowledged = true;
                        healthy();
                        subscribed();
                    }
                }
                case "error" -> {
                    if (SUBSCRIBE_ID.equals(message.path("id").asText())) {
                        failPermanently(message.path("code").asText("error") + ": " + message.path("message").asText(""));
                    }
                }
                default -> intake.malformed();
            }
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            if (isCurrent(ctx.channel()) && !stopped()) {
                if (PERMANENT_CLOSE_CODES.contains(closeCode)) {
                    failPermanently("closed by the gateway: " + closeCode + " " + closeReason);
                } else if (closeCode >= 0) {
                    retryAfterError("closed by the gateway: " + closeCode + " " + closeReason);
                } else {
                    retryAfterError("connection lost");
                }
            }
            ctx.fireChannelInactive();
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            if (!isCurrent(ctx.channel()) || stopped()) {
                ctx.close();
                return;
            }
            if (cause instanceof WebSocketClientHandshakeException handshake && handshake.response() != null
                    && isPermanent(handshake.response().status().code())) {
                // Refused by whatever answered: a proxy that does not pass upgrades, or a gateway without them.
                String reason = "WebSocket handshake refused: " + handshake.response().status();
                unavailable(reason, () -> failPermanently(reason));
            } else {
                retryAfterError(String.valueOf(cause.getMessage()));
            }
        }
    }
}
