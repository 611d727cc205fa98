package dev.fanfare.gateway.transport;

import dev.fanfare.gateway.core.ErrorCode;
import dev.fanfare.gateway.core.Text;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.codec.DecoderResult;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.util.ReferenceCountUtil;

/**
 * Netty's aggregator, except for a body it refuses (over the limit, or an expectation it cannot
 * meet): instead of answering at once with an empty 413 or 417, and reading the refused body as
 * the next request (as it does after a failed {@code Expect}), it hands the router a request
 * that failed to decode ({@link Refused}), in its turn behind any request still being answered,
 * and reads nothing more of the connection as HTTP. The router answers with a JSON reason and
 * closes the connection lingeringly ({@link HttpResponses#send}), so a client still sending the
 * body reads the answer instead of a reset.
 */
final class JsonHttpObjectAggregator extends HttpObjectAggregator {

    /** Why a request's body was refused: the router's answer. */
    static final class Refused extends DecoderException {
        private final ErrorCode code;

        Refused(ErrorCode code, String message) {
            super(message, null);
            this.code = code;
        }

        ErrorCode code() {
            return code;
        }

        @Override
        public synchronized Throwable fillInStackTrace() {
            return this;
        }
    }

    private boolean refused;

    JsonHttpObjectAggregator(int maxContentLength) {
        super(maxContentLength);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
        if (refused) {
            ReferenceCountUtil.release(msg); // the rest of a refused body, or bytes after it: never a request
            return;
        }
        super.channelRead(ctx, msg);
    }

    @Override
    protected Object newContinueResponse(HttpMessage start, int maxContentLength, ChannelPipeline pipeline) {
        String expect = start.headers().get(HttpHeaderNames.EXPECT);
        if (expect != null && !HttpHeaderValues.CONTINUE.contentEqualsIgnoreCase(expect.strip())) {
            refuse(start, new Refused(ErrorCode.EXPECTATION_FAILED, "expect: " + Text.quote(expect)
                    + " (expected: 100-continue or none)"));
            return null;
        }
        if (HttpUtil.is100ContinueExpected(start)) {
            long length;
            try {
                length = HttpUtil.getContentLength(start, -1L);
            } catch (NumberFormatException malformed) {
                // The decoder lets an empty Content-Length through beside a good one; Netty's answer would be a DecoderException (500).
                refuse(start, new Refused(ErrorCode.BAD_REQUEST, "content-length: "
                        + Text.quote(String.valueOf(start.headers().getAll(HttpHeaderNames.CONTENT_LENGTH)))
                        + " (expected: one decimal number)"));
                return null;
            }
            if (length > maxContentLength) {
                refuse(start, tooLarge());
                return null;
            }
        }
        return super.newContinueResponse(start, maxContentLength, pipeline);
    }

    @Override
    protected void handleOversizedMessage(ChannelHandlerContext ctx, HttpMessage oversized) {
        if (!refused) {
            refuse(oversized, tooLarge());
        }
    }

    private Refused tooLarge() {
        return new Refused(ErrorCode.TOO_LARGE,
                "body: over " + maxContentLength() + " bytes (expected: at most " + maxContentLength() + ")");
    }

    private void refuse(HttpMessage start, Refused why) {
        refused = true;
        HttpRequest head = (HttpRequest) start;
        FullHttpRequest marker = new DefaultFullHttpRequest(head.protocolVersion(), head.method(), head.uri(),
                Unpooled.EMPTY_BUFFER);
        marker.headers().set(head.headers());
        marker.setDecoderResult(DecoderResult.failure(why));
        ctx().fireChannelRead(marker);
    }
}
