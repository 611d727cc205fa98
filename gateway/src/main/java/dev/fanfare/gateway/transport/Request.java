package dev.fanfare.gateway.transport;

import dev.fanfare.gateway.core.ApiException;
import dev.fanfare.gateway.core.ErrorCode;
import dev.fanfare.gateway.core.Text;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.net.InetAddress;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;

/**
 * One routed HTTP request as an endpoint sees it: the connection, the aggregated request, its
 * path and query. Valid during {@link Routes.Handler#handle}; the request's buffers are released
 * once it returns (copy what an answer given later needs).
 *
 * <p>Routing reads the raw path; the decoded path and the query are decoded when first asked
 * for, and bad percent-encoding in them is a 400 with a reason.
 */
public final class Request {

    private final ChannelHandlerContext ctx;
    private final FullHttpRequest http;
    private final QueryStringDecoder uri;
    private final boolean keepAlive;
    private final Parking parker;
    private final Access access;
    private final InetAddress client;
    private Caller caller;
    private ApiException connectionRefusal;

    Request(ChannelHandlerContext ctx, FullHttpRequest http, Parking parker, Access access) {
        this.ctx = ctx;
        this.http = http;
        this.parker = parker;
        this.access = access;
        this.uri = new QueryStringDecoder(http.uri());
        this.keepAlive = HttpUtil.isKeepAlive(http);
        this.client = access.client(ctx.channel(), http);
    }

    /** The client's address: the peer's, or the one a trusted proxy forwards. */
    public InetAddress client() {
        return client;
    }

    /**
     * Who asks: its token (header, cookie or {@code access_token}) verified once, on first use.
     *
     * @throws ApiException {@link ErrorCode#UNAUTHORIZED} or {@link ErrorCode#TOKEN_EXPIRED} for a token that does not do
     */
    public Caller caller() {
        if (caller == null) {
            caller = new Caller(access.authenticator().authenticate(Credentials.token(http, query())), client);
        }
        return caller;
    }

    /**
     * Refuses this request for its connection (past a connection limit): an endpoint that can only
     * tell its client why once it has taken the connection over (a WebSocket) does so.
     */
    void refuseConnection(ApiException refusal) {
        connectionRefusal = refusal;
    }

    /** Why this request's connection is refused, or null. */
    public ApiException connectionRefusal() {
        return connectionRefusal;
    }

    /** The node's access rules and limits. */
    public Access access() {
        return access;
    }

    public ChannelHandlerContext ctx() {
        return ctx;
    }

    public FullHttpRequest http() {
        return http;
    }

    /** The path as sent, still percent-encoded, without the query. */
    public String rawPath() {
        return uri.rawPath();
    }

    /** The decoded path, without the query. */
    public String path() {
        try {
            return uri.path();
        } catch (IllegalArgumentException malformed) {
            throw badEncoding();
        }
    }

    public Map<String, List<String>> query() {
        try {
            return uri.parameters();
        } catch (IllegalArgumentException malformed) {
            throw badEncoding();
        }
    }

    private ApiException badEncoding() {
        return new ApiException(ErrorCode.BAD_REQUEST, "uri: " + Text.quote(Credentials.redact(http.uri()))
                + " (expected: valid percent-encoding, %XX with hexadecimal digits)");
    }

    public boolean keepAlive() {
        return keepAlive;
    }

    /**
     * Goes on with {@code next} on this request's loop once {@code stage} completes: at once when
     * it has (the common case), else later. A refusal it fails with is answered as the router
     * answers one; anything else is a 500.
     */
    public <T> void then(CompletionStage<T> stage, Consumer<T> next) {
        CompletableFuture<T> f = stage.toCompletableFuture();
        if (f.isDone() && !f.isCompletedExceptionally()) {
            next.accept(f.join());
            return;
        }
        f.whenCompleteAsync((value, error) -> {
            try {
                if (error != null) {
                    ApiException refusal = ApiException.of(error);
                    HttpRouter.fail(ctx, http, keepAlive, refusal != null ? refusal : error);
                } else {
                    next.accept(value);
                }
            } catch (RuntimeException e) {
                HttpRouter.fail(ctx, http, keepAlive, e);
            }
        }, ctx.executor());
    }

    /** Answers on this request's connection, keeping it open when the request allows. */
    public void answer(FullHttpResponse response) {
        HttpResponses.send(ctx, keepAlive, response);
    }

    /**
     * The answer comes later, without a thread: the connection cancels it if it closes first, has it
     * answer at once if another request arrives, and at the latest after {@code timeoutNanos}. Call on
     * the connection's loop, any time before answering.
     */
    public void park(ParkedRequest request, long timeoutNanos) {
        parker.park(request, timeoutNanos);
    }

    /** Where a connection keeps the request it holds open. */
    interface Parking {
        void park(ParkedRequest request, long timeoutNanos);
    }
}
