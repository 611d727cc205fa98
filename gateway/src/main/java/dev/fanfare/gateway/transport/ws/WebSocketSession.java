package dev.fanfare.gateway.transport.ws;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.fanfare.gateway.core.ApiException;
import dev.fanfare.gateway.core.ChannelName;
import dev.fanfare.gateway.core.DisconnectReason;
import dev.fanfare.gateway.core.Envelopes;
import dev.fanfare.gateway.core.ErrorCode;
import dev.fanfare.gateway.core.Event;
import dev.fanfare.gateway.core.Json;
import dev.fanfare.gateway.core.JsonPayload;
import dev.fanfare.gateway.core.PartitionSet;
import dev.fanfare.gateway.core.Principal;
import dev.fanfare.gateway.core.Shard;
import dev.fanfare.gateway.core.Style;
import dev.fanfare.gateway.core.Subscriber;
import dev.fanfare.gateway.core.Text;
import dev.fanfare.gateway.limits.Rate;
import dev.fanfare.gateway.limits.TokenBucket;
import dev.fanfare.gateway.transport.BatchWriter;
import dev.fanfare.gateway.transport.Caller;
import dev.fanfare.gateway.transport.CounterRequests;
import dev.fanfare.gateway.transport.PublishRequests;
import dev.fanfare.gateway.transport.Replies;
import dev.fanfare.gateway.transport.GatewayServices;
import dev.fanfare.gateway.transport.GracefulClose;
import dev.fanfare.gateway.transport.Pipelines;
import dev.fanfare.gateway.transport.Shutdown;
import io.netty.buffer.ByteBufInputStream;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CorruptedWebSocketFrameException;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.util.ReferenceCountUtil;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One WebSocket connection after the handshake: subscribe, unsubscribe and publish messages in,
 * events, acks, gaps and errors out. Events go out as pre-framed shared bytes, which pass the
 * frame encoder untouched.
 *
 * <p>The connection acts for its caller: the token of the upgrade request, or one sent later as
 * {@code {"type":"auth"|"refresh","token":..}} (the same subject, and granting what the connection
 * is subscribed to). When the token expires without a refresh, the connection is closed with 4001
 * {@code token_expired}. Messages beyond the per-connection rate are refused; a client that goes
 * on sending while refused is closed with 1008 {@code rate_limited}.
 */
final class WebSocketSession extends ChannelInboundHandlerAdapter {

    private static final Logger log = LoggerFactory.getLogger(WebSocketSession.class);
    private static final long CLOSE_LINGER_MILLIS = 2000;

    private final GatewayServices services;
    private final CounterRequests counters;
    private final PublishRequests publishes;
    private final List<ChannelName> initialChannels;
    private final long[] initialCursor;
    private final int initialMaxRate;
    private final ApiException refusal;
    private final Sink sink = new Sink();
    /** Messages this connection may send; null when not limited. */
    private final TokenBucket messages;
    private Caller caller;
    private Shard shard;
    private ChannelHandlerContext ctx;
    /** The events' frames, from where they enter the pipeline ({@link Pipelines#WS_FRAMES}). */
    private BatchWriter frames;
    private ScheduledFuture<?> expiry;
    private int missedPongs;
    private boolean closing;
    private boolean draining;
    private int unanswered;
    private int refusedInARow;

    WebSocketSession(GatewayServices services, CounterRequests counters, PublishRequests publishes, Caller caller,
                     List<ChannelName> channels, long[] cursor, int maxRate, ApiException refusal) {
        this.initialMaxRate = maxRate;
        this.services = services;
        this.counters = counters;
        this.publishes = publishes;
        this.caller = caller;
        this.initialChannels = channels;
        this.initialCursor = cursor;
        this.refusal = refusal;
        Rate rate = services.access().config().webSocketMessages();
        this.messages = rate.enabled() && !services.access().limits().exempt(caller.address())
                ? new TokenBucket(rate, System.nanoTime()) : null;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
        this.frames = new BatchWriter(ctx.pipeline().context(Pipelines.WS_FRAMES));
        this.shard = services.hub().shard(ctx.channel().eventLoop());
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof WebSocketServerProtocolHandler.HandshakeComplete) {
            if (refusal != null) {
                disconnect(DisconnectReason.refusing(refusal.code()), refusal.getMessage());
                ReferenceCountUtil.release(evt);
                return;
            }
            expireAtTheTokensEnd();
            if (!initialChannels.isEmpty()) {
                afterCheck(initialCursor, from -> shard.subscribe(sink, initialChannels, from, initialMaxRate),
                        forged -> disconnect(DisconnectReason.BAD_SUBSCRIPTION, forged.getMessage()));
            }
        } else if (evt instanceof IdleStateEvent) {
            var ws = services.config().webSocket();
            long maxMissed = ws.idleTimeout().toMillis() / ws.pingInterval().toMillis();
            if (++missedPongs > maxMissed) {
                disconnect(DisconnectReason.NO_PONG, null);
            } else {
                ctx.writeAndFlush(new PingWebSocketFrame(), ctx.voidPromise());
            }
        } else if (evt == DisconnectReason.FLOODING) {
            // It does not read: a grace period to read the close frame would only let it flood longer.
            if (!closing) {
                closing = true;
                shard.remove(sink);
                services.disconnects().count(DisconnectReason.FLOODING, "WebSocket " + ctx.channel().remoteAddress());
                ctx.writeAndFlush(closeFrame(DisconnectReason.FLOODING.closeCode(), DisconnectReason.FLOODING.message()));
                ctx.close();
            }
        } else if (evt == Shutdown.INSTANCE) {
            // Acks still owed (publishes, claps) go out first: the client must learn what was done.
            draining = true;
            shard.remove(sink);
            closeIfDrained();
        }
        ReferenceCountUtil.release(evt);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        missedPongs = 0;
        try {
            if (msg instanceof CloseWebSocketFrame close) {
                onClose(close);
                return;
            }
            if (closing) {
                return; // our close frame is out: an answer could not be sent, so nothing is done
            }
            if (!(msg instanceof TextWebSocketFrame || msg instanceof BinaryWebSocketFrame) || !withinRate()) {
                return;
            }
            if (msg instanceof TextWebSocketFrame text) {
                onMessage(text);
            } else {
                sendError(null, ErrorCode.BAD_MESSAGE, "frame: binary (expected: text frames holding JSON)");
            }
        } finally {
            ReferenceCountUtil.release(msg);
        }
    }

    /**
     * The client's close frame: the answer to ours (close the socket), or its own, echoed with its
     * code, or refused with 1002 when the code is not one an endpoint may send (RFC 6455 section 7.4).
     */
    private void onClose(CloseWebSocketFrame frame) {
        if (closing) {
            ctx.close();
            return;
        }
        int code = frame.statusCode();
        if (code != -1 && !isValidCloseCode(code)) {
            close(WebSocketCloseStatus.PROTOCOL_ERROR.code(),
                    "close code: " + code + " (expected: 1000-1003, 1007-1014 or 3000-4999)");
            return;
        }
        closing = true;
        shard.remove(sink);
        GracefulClose.afterWriting(ctx, code == -1 ? new CloseWebSocketFrame() : new CloseWebSocketFrame(code, ""), "close echo");
    }

    private static boolean isValidCloseCode(int code) {
        return (code >= 1000 && code <= 1003) || (code >= 1007 && code <= 1014) || (code >= 3000 && code <= 4999);
    }

    /** Whether the connection may send one more message now; else it is told, and cut off when it keeps on. */
    private boolean withinRate() {
        long waitNanos = messages == null ? 0 : messages.take(System.nanoTime());
        if (waitNanos == 0) {
            return true;
        }
        long seconds = Math.max(1, TimeUnit.NANOSECONDS.toSeconds(waitNanos + 999_999_999L));
        Rate rate = services.access().config().webSocketMessages();
        refusedForRate(Replies.errorFrame(null, ApiException.rateLimited("messages: too many on this connection"
                + " (expected: at most " + rate + "; retry after " + seconds + " s)", seconds)));
        return false;
    }

    /** Sends a refusal for rate; past the limit of refusals in a row the connection is closed instead. */
    private void refusedForRate(ObjectNode error) {
        if (++refusedInARow >= services.access().config().refusalsBeforeClose()) {
            disconnect(DisconnectReason.RATE_LIMITED, null);
        } else {
            send(error);
        }
    }

    /** Sends the answer to a message: a refusal for rate counts toward being cut off, anything else starts the count anew. */
    private void answer(ObjectNode frame) {
        if (ErrorCode.RATE_LIMITED.code().equals(frame.path("code").asText(null)) && "error".equals(frame.path("type").asText())) {
            refusedForRate(frame);
        } else {
            refusedInARow = 0;
            send(frame);
        }
    }

    private void onMessage(TextWebSocketFrame frame) {
        JsonNode m;
        try {
            m = Json.MAPPER.readTree(new ByteBufInputStream(frame.content()));
        } catch (IOException e) {
            sendError(null, ErrorCode.BAD_JSON, "message: not JSON (expected: a JSON object with a \"type\")");
            return;
        }
        JsonNode id = m == null ? null : m.get("id");
        try {
            if (m == null || !m.isObject()) {
                throw new ApiException(ErrorCode.BAD_MESSAGE, "message: not an object (expected: a JSON object with a \"type\")");
            }
            String type = m.path("type").asText("");
            switch (type) {
                case "subscribe" -> subscribe(m, id);
                case "unsubscribe" -> unsubscribe(m, id);
                case "publish" -> publish(m, id);
                case "clap", "like", "unlike" -> count(m, id);
                case "ping" -> pong(id);
                case "auth", "refresh" -> authenticate(m, id);
                default -> throw new ApiException(ErrorCode.BAD_MESSAGE, "type: " + Text.quote(type)
                        + " (expected: subscribe, unsubscribe, publish, clap, like, unlike, ping, auth or refresh)");
            }
        } catch (ApiException e) {
            answer(Replies.errorFrame(id, e));
        } catch (RuntimeException bug) {
            log.warn("WebSocket message failed", bug);
            sendError(id, ErrorCode.INTERNAL, "internal error: the gateway could not handle this message");
        }
    }

    private List<ChannelName> channelsOf(JsonNode m) {
        JsonNode list = m.get("channels");
        if (list == null || !list.isArray()) {
            throw new ApiException(ErrorCode.MISSING_CHANNEL, "channels: missing (expected: an array of channel names)");
        }
        List<String> names = new ArrayList<>();
        for (JsonNode n : list) {
            if (!n.isTextual()) {
                throw new ApiException(ErrorCode.BAD_CHANNEL, "channels: " + n + " (expected: channel names as strings)");
            }
            names.add(n.asText());
        }
        return services.params().channels(names, true);
    }

    private void subscribe(JsonNode m, JsonNode id) {
        List<ChannelName> channels = channelsOf(m);
        caller.principal().requireSubscribe(channels);
        JsonNode cursor = m.get("cursor");
        if (cursor != null && !cursor.isNull() && !cursor.isTextual()) {
            throw ApiException.badParameter("cursor", Text.quote(cursor.toString()), "a cursor string or null");
        }
        long[] from = services.params().cursor(cursor == null || cursor.isNull() ? null : cursor.textValue());
        Set<ChannelName> now = shard.channelsOf(sink);
        long after = channels.stream().filter(c -> !now.contains(c)).count() + now.size();
        int max = services.config().webSocket().maxChannelsPerConnection();
        if (after > max) {
            throw new ApiException(ErrorCode.TOO_MANY_CHANNELS,
                    "channels: " + after + " on this connection (expected: at most " + max + ")");
        }
        int maxRate = maxRate(m);
        afterCheck(from, checked -> {
            refusedInARow = 0;
            sendAck(id, shard.subscribe(sink, channels, checked, maxRate));
        }, forged -> send(Replies.errorFrame(id, forged)));
    }

    /**
     * {@code auth} or {@code refresh}: the connection acts for this token from now on. The subject
     * cannot change, and the token must grant every channel the connection is subscribed to.
     */
    private void authenticate(JsonNode m, JsonNode id) {
        JsonNode token = m.get("token");
        if (token == null || !token.isTextual()) {
            throw ApiException.badParameter("token", token == null ? "missing" : Text.quote(token.toString()), "the token as a string");
        }
        Principal next = services.access().authenticator().authenticate(token.textValue());
        String subject = caller.principal().subject();
        if (subject != null && !subject.equals(next.subject())) {
            throw new ApiException(ErrorCode.FORBIDDEN, "sub: " + Text.quote(next.subject()) + " (expected: "
                    + Text.quote(subject) + ", whom this connection acts for; open another connection for another user)");
        }
        for (ChannelName c : shard.channelsOf(sink)) {
            if (!next.grants().maySubscribe(c)) {
                throw new ApiException(ErrorCode.FORBIDDEN, "token: does not grant " + Text.quote(c.toString())
                        + ", which this connection is subscribed to (expected: a token that grants it, or unsubscribe first)");
            }
        }
        caller = new Caller(next, caller.address());
        expireAtTheTokensEnd();
        ObjectNode ack = Replies.ackFrame(id);
        if (next.subject() != null) {
            ack.put("sub", next.subject());
        }
        if (next.expiresAt() != null) {
            ack.put("exp", next.expiresAt().getEpochSecond());
        }
        answer(ack);
    }

    /** Closes the connection ({@code token_expired}) when its caller's token expires, unless refreshed before. */
    private void expireAtTheTokensEnd() {
        if (expiry != null) {
            expiry.cancel(false);
            expiry = null;
        }
        Instant at = caller.principal().expiresAt();
        if (at != null) {
            expiry = ctx.executor().schedule(() -> sink.disconnect(DisconnectReason.TOKEN_EXPIRED),
                    Math.max(0, Duration.between(Instant.now(), at).toNanos()), TimeUnit.NANOSECONDS);
        }
    }

    /**
     * Goes on with a cursor once the log's ends say it is not forged: at once when the node itself
     * has read that far, else on this loop later (counted among the answers owed, for the drain).
     */
    private void afterCheck(long[] cursor, java.util.function.Consumer<long[]> then,
                            java.util.function.Consumer<ApiException> refused) {
        var check = services.logEnds().check(cursor).toCompletableFuture();
        if (check.isDone() && !check.isCompletedExceptionally()) {
            then.accept(check.join());
            return;
        }
        answerLater(check, (checked, error) -> {
            if (closing) {
                return;
            }
            if (error == null) {
                then.accept(checked);
            } else {
                refused.accept(refusal(error));
            }
        });
    }

    /** {@code "max_rate"}: absent, null, or an integer 1..1000 (events per second per channel). */
    private static int maxRate(JsonNode m) {
        JsonNode rate = m.get("max_rate");
        if (rate == null || rate.isNull()) {
            return 0;
        }
        if (!rate.isIntegralNumber() || !rate.canConvertToInt() || rate.intValue() < 1 || rate.intValue() > 1000) {
            throw ApiException.badParameter("max_rate", Text.quote(rate.toString()), "an integer 1..1000");
        }
        return rate.intValue();
    }

    private void unsubscribe(JsonNode m, JsonNode id) {
        shard.unsubscribe(sink, channelsOf(m));
        refusedInARow = 0;
        sendAck(id, shard.cursorOf(sink));
    }

    private void publish(JsonNode m, JsonNode id) {
        ChannelName channel = services.params().concreteChannel(m.path("channel").asText(""));
        JsonNode data = m.get("data");
        if (data == null) {
            throw new ApiException(ErrorCode.MISSING_BODY, "data: missing (expected: the event's JSON payload)");
        }
        byte[] json;
        try {
            json = Json.MAPPER.writeValueAsBytes(data);
        } catch (IOException e) {
            // A lone surrogate (\\ud800) parses but has no UTF-8 form.
            throw new ApiException(ErrorCode.BAD_JSON, "data: not encodable as UTF-8 JSON (expected: no lone surrogate)");
        }
        java.util.concurrent.CompletionStage<String> published = publishes.publish(caller, channel, json);
        refusedInARow = 0;
        answerLater(published, (cursor, error) -> {
            if (error == null) {
                sendAck(id, cursor);
            } else {
                send(Replies.errorFrame(id, refusal(error)));
            }
        });
    }

    private void count(JsonNode m, JsonNode id) {
        answerLater(counters.websocket(caller, m), (frame, error) -> answer(frame != null ? frame : Replies.errorFrame(id, refusal(error))));
    }

    /** What a client is told of a failed action: its refusal, or an internal error (logged). */
    private ApiException refusal(Throwable error) {
        ApiException refusal = ApiException.of(error);
        if (refusal != null) {
            return refusal;
        }
        log.warn("WebSocket action failed", error);
        return new ApiException(ErrorCode.INTERNAL, "internal error: the gateway could not complete this action");
    }

    private void closeIfDrained() {
        if (draining && unanswered == 0) {
            disconnect(DisconnectReason.SHUTDOWN, null);
        }
    }

    /** Runs {@code answer} on this connection's loop once {@code action} completes, counted for the drain. */
    private <T> void answerLater(java.util.concurrent.CompletionStage<T> action, java.util.function.BiConsumer<T, Throwable> answer) {
        unanswered++;
        action.whenCompleteAsync((value, error) -> {
            unanswered--;
            answer.accept(value, error);
            closeIfDrained();
        }, ctx.executor());
    }

    /**
     * A script's liveness check: browsers answer protocol pings themselves and never show them, so a
     * page can only learn that the socket still carries messages by asking. A client that does not
     * read gets no pong (it would only queue behind what it does not read).
     */
    private void pong(JsonNode id) {
        if (ctx.channel().isWritable()) {
            send(Replies.pongFrame(id));
        }
    }

    private void sendAck(JsonNode id, String cursor) {
        send(Replies.ackFrame(id).put("cursor", cursor));
    }

    private void sendError(JsonNode id, ErrorCode code, String message) {
        send(Replies.errorFrame(id, code, message));
    }

    private void send(ObjectNode message) {
        if (!closing && ctx.channel().isActive()) {
            ctx.writeAndFlush(new TextWebSocketFrame(message.toString()), ctx.voidPromise());
        }
    }

    /** Closes with the reason's code, counted; {@code detail} (or the reason's message) as the close reason. */
    private void disconnect(DisconnectReason reason, String detail) {
        if (!closing) {
            services.disconnects().count(reason, "WebSocket " + ctx.channel().remoteAddress()
                    + (detail != null ? ": " + detail : ""));
            close(reason.closeCode(), detail != null ? detail : reason.message());
        }
    }

    private void close(int code, String reason) {
        if (closing) {
            return;
        }
        closing = true;
        shard.remove(sink);
        GracefulClose.afterWriting(ctx, closeFrame(code, reason), code + " " + reason);
    }

    /**
     * Closes after a frame or message refused (not UTF-8, over the limit). The client may still be
     * sending it; closing the socket with its bytes unread would reset the connection and lose the
     * close frame on the way, so the close frame goes first and the socket is closed a moment later
     * (or by the client). Whatever else arrives is dropped.
     */
    private void closeRefusingInput(int code, String reason) {
        if (closing) {
            return;
        }
        closing = true;
        shard.remove(sink);
        ctx.writeAndFlush(closeFrame(code, reason), ctx.voidPromise());
        ctx.executor().schedule(() -> ctx.close(), CLOSE_LINGER_MILLIS, TimeUnit.MILLISECONDS);
    }

    private static CloseWebSocketFrame closeFrame(int code, String reason) {
        return new CloseWebSocketFrame(code, reason.length() > 120 ? reason.substring(0, 120) : reason);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        shard.remove(sink);
        if (expiry != null) {
            expiry.cancel(false);
        }
        ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (cause instanceof CorruptedWebSocketFrameException refused) {
            log.debug("WebSocket frame refused: {}", refused.getMessage());
            closeRefusingInput(refused.closeStatus().code(), refused.getMessage());
        } else if (cause instanceof TooLongFrameException) {
            int max = services.config().http().maxBodyBytes();
            log.debug("WebSocket message refused: over {} bytes", max);
            closeRefusingInput(WebSocketCloseStatus.MESSAGE_TOO_BIG.code(),
                    "message: over " + max + " bytes (expected: at most " + max + ")");
        } else if (cause instanceof IOException) {
            log.debug("WebSocket connection failed: {}", cause.toString());
            ctx.close();
        } else {
            log.warn("WebSocket connection failed", cause);
            ctx.close();
        }
    }

    /**
     * A client that does not read is not read either: what it sends meanwhile (pings, messages
     * whose answers would queue up) waits in its own socket, not in this node's memory.
     */
    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        boolean writable = ctx.channel().isWritable();
        ctx.channel().config().setAutoRead(writable);
        if (writable) {
            shard.resume(sink);
        }
        ctx.fireChannelWritabilityChanged();
    }

    private final class Sink implements Subscriber {
        @Override
        public Style style() {
            return Style.WS;
        }

        @Override
        public boolean beginBatch() {
            frames.begin();
            return ctx.channel().isWritable();
        }

        @Override
        public int write(Event e, PartitionSet set, String cursor, boolean snapshot, long conflated) {
            return frames.write(e, Envelopes.Format.WS, set, cursor, snapshot, conflated); // whole frames
        }

        @Override
        public void writeGap(List<ChannelName> channels, String cursor) {
            ObjectNode gap = Json.MAPPER.createObjectNode().put("type", "gap").put("cursor", cursor);
            var list = gap.putArray("channels");
            channels.forEach(c -> list.add(c.toString()));
            ctx.write(new TextWebSocketFrame(gap.toString()), ctx.voidPromise());
        }

        @Override
        public void endBatch(Runnable written) {
            frames.end(written);
        }

        @Override
        public void disconnect(DisconnectReason reason) {
            WebSocketSession.this.disconnect(reason, null);
        }
    }
}
