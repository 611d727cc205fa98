package dev.fanfare.client.load;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.fanfare.client.style.ClientCounters;
import dev.fanfare.client.style.GatewayAddress;
import dev.fanfare.client.style.PermanentFailureException;
import dev.fanfare.client.style.Style;
import dev.fanfare.client.style.Subscription;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.util.concurrent.ScheduledFuture;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.BitSet;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * A subscriber for {@code bench} that reads its connection's bytes itself, as pushbench's load generator does:
 * it opens the subscription as a plain client would (one {@code GET}, {@link SseReceiver SSE} or
 * {@link WsReceiver WebSocket}), reads the response head, and then scans the stream's bytes for the run's
 * fields ({@link RunEventScanner}) with no HTTP codec, no strings and no JSON tree: nothing is allocated per
 * event. The clock is read once per read, for every event completed in it.
 *
 * <p>It accounts for what it reads as a style client does: every event counted, a run event's first delivery
 * handed to the {@link DeliveryRecorder} (the warm-up's only counted), a sequence number seen twice counted as a
 * duplicate, a Kafka timestamp going back as out of order, gaps counted. When the connection drops it
 * reconnects (with backoff) from the cursor of the last event, so nothing is lost or repeated; a refusal that
 * retrying cannot fix (a 4xx) fails it for good.
 *
 * <p>All its state lives on its one event loop; the counters are volatile for progress readers.
 */
abstract class LeanReceiver implements LoadClient {

    private static final long INITIAL_BACKOFF_MILLIS = 250;
    private static final long MAX_BACKOFF_MILLIS = 10_000;
    private static final int CONNECT_TIMEOUT_MILLIS = 10_000;
    private static final int MAX_HEAD = 16 * 1024;
    private static final int MAX_ERROR_BODY = 4096;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final EventLoop loop;
    private final Subscription subscription;
    private final DeliveryRecorder recorder;
    private final CompletableFuture<Void> ready = new CompletableFuture<>();
    private final CompletableFuture<Void> terminated = new CompletableFuture<>();
    /** Where to resume: the cursor of the last event or gap read (empty: the subscription's). */
    private final ByteText cursor = new ByteText(64, RunEventScanner.MAX_CURSOR);
    /** The warm-up's sequence numbers received (the measured ones are the recorder's). */
    private final BitSet warmUpSeen = new BitSet();
    private Connection current;
    private boolean stopped;
    private int failures;
    private ScheduledFuture<?> retry;
    private boolean anyTimestamp;
    private long lastTimestamp;

    private volatile long events;
    private volatile long conflated;
    private volatile long replaced;
    private volatile long gaps;
    private volatile long duplicates;
    private volatile long outOfOrder;
    private volatile long httpRequests;
    private volatile long bytesReceived;
    private volatile long bytesSent;
    private volatile long connectionsOpened;
    private volatile long connectionsOpen;

    LeanReceiver(EventLoop loop, Subscription subscription, DeliveryRecorder recorder) {
        this.loop = loop;
        this.subscription = subscription;
        this.recorder = recorder;
    }

    /** Whether there is a lean receiver for {@code style} (SSE and WebSocket; the poll styles have none). */
    static boolean supports(Style style) {
        return style == Style.SSE || style == Style.WS;
    }

    /** A lean receiver (not started) of {@code style} on {@code loop}, recording into {@code recorder}. */
    static LeanReceiver create(Style style, EventLoop loop, Subscription subscription, DeliveryRecorder recorder) {
        return switch (style) {
            case SSE -> new SseReceiver(loop, subscription, recorder);
            case WS -> new WsReceiver(loop, subscription, recorder);
            default -> throw new IllegalArgumentException("style: " + style + " (expected: sse or ws)");
        };
    }

    /** The handler of a new connection, of this receiver's style. */
    protected abstract Connection newConnection();

    @Override
    public final void start() {
        loop.execute(() -> {
            if (!stopped) {
                connect();
            }
        });
    }

    @Override
    public final CompletableFuture<Void> ready() {
        return ready;
    }

    @Override
    public final void reconnect() {
        loop.execute(() -> {
            if (!stopped && ready.isDone()) {
                retryAfter(0);
            }
        });
    }

    @Override
    public final CompletableFuture<Void> close() {
        loop.execute(() -> {
            if (stopped) {
                return;
            }
            stopped = true;
            cancelRetry();
            abort();
            ready.completeExceptionally(new IllegalStateException("closed before subscribing"));
            terminated.complete(null);
        });
        return terminated;
    }

    @Override
    public final ClientCounters.Snapshot counters() {
        return new ClientCounters.Snapshot(events, 0, conflated, replaced, gaps, duplicates, outOfOrder, 0,
                httpRequests, bytesReceived, bytesSent, connectionsOpened, connectionsOpen);
    }

    /** A handler for a new connection, the current one from now on: whatever an earlier one still reads is ignored. */
    final Connection open() {
        current = newConnection();
        return current;
    }

    private void connect() {
        Connection connection = open();
        Bootstrap bootstrap = new Bootstrap()
                .group(loop)
                .channel(NioSocketChannel.class)
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, CONNECT_TIMEOUT_MILLIS)
                .handler(connection);
        if (subscription.localAddress() != null) {
            bootstrap.localAddress(new InetSocketAddress(subscription.localAddress(), 0));
        }
        bootstrap.connect(subscription.gateway().socket()).addListener((ChannelFuture f) -> {
            if (!f.isSuccess()) {
                lost(connection);
            }
        });
    }

    /** The stream is open: the first time, {@link #ready()} completes. */
    final void subscribed() {
        failures = 0;
        ready.complete(null);
    }

    /** {@code connection} ended or failed: if it was the current one, open another after a backoff. */
    final void lost(Connection connection) {
        if (connection == current && !stopped) {
            retryAfter(backoffMillis());
        }
    }

    /** Refused in a way retrying cannot fix: stop, and fail. */
    final void failPermanently(String reason) {
        if (stopped) {
            return;
        }
        stopped = true;
        cancelRetry();
        abort();
        PermanentFailureException failure = new PermanentFailureException(reason);
        ready.completeExceptionally(failure);
        terminated.completeExceptionally(failure);
    }

    private void retryAfter(long millis) {
        cancelRetry();
        abort();
        retry = loop.schedule(() -> {
            retry = null;
            if (!stopped) {
                connect();
            }
        }, millis, TimeUnit.MILLISECONDS);
    }

    /** Uniform in [ceiling/2, ceiling], the ceiling doubling per failure in a row up to the maximum. */
    private long backoffMillis() {
        long ceiling = Math.min(MAX_BACKOFF_MILLIS, INITIAL_BACKOFF_MILLIS << Math.min(failures++, 20));
        return ceiling / 2 + ThreadLocalRandom.current().nextLong(ceiling / 2 + 1);
    }

    private void abort() {
        if (current != null) {
            Connection c = current;
            current = null;
            c.close();
        }
    }

    private void cancelRetry() {
        if (retry != null) {
            retry.cancel(false);
            retry = null;
        }
    }

    /** {@code path?channel=..} from the cursor to resume from (and the subscription's maximum rate, if any). */
    final String target(String path) {
        int maxRate = subscription.maxRate();
        return GatewayAddress.target(path, subscription.channels(),
                "cursor", cursor.isEmpty() ? subscription.cursor() : cursor.toString(),
                "max_rate", maxRate == 0 ? null : Integer.toString(maxRate));
    }

    /** A {@code GET} request head for {@code target}: Host, the token if any, and {@code nameValues}. */
    final ByteBuf requestHead(ByteBufAllocator alloc, String target, String... nameValues) {
        HttpHeaders headers = subscription.gateway().authorize(
                new DefaultHttpHeaders().set(HttpHeaderNames.HOST, subscription.gateway().hostHeader()));
        for (int i = 0; i + 1 < nameValues.length; i += 2) {
            headers.set(nameValues[i], nameValues[i + 1]);
        }
        StringBuilder head = new StringBuilder(256).append("GET ").append(target).append(" HTTP/1.1\r\n");
        for (Map.Entry<String, String> h : headers) {
            head.append(h.getKey()).append(": ").append(h.getValue()).append("\r\n");
        }
        return ByteBufUtil.writeAscii(alloc, head.append("\r\n"));
    }

    /** A complete event: counted, its cursor kept to resume from, and, if it is a run event, recorded. */
    final void event(RunEventScanner m, long receivedNanos) {
        events = events + 1;
        keepCursor(m);
        if (m.has(RunEventScanner.TS)) {
            long ts = m.number(RunEventScanner.TS);
            if (anyTimestamp && ts < lastTimestamp) {
                outOfOrder = outOfOrder + 1;
            }
            anyTimestamp = true;
            lastTimestamp = ts;
        }
        long replacedByIt = m.has(RunEventScanner.CONFLATED) ? m.number(RunEventScanner.CONFLATED) : 0;
        if (replacedByIt > 0) {
            conflated = conflated + 1;
            replaced = replaced + replacedByIt;
        }
        long seq = m.has(RunEventScanner.SEQ) ? m.number(RunEventScanner.SEQ) : -1;
        if (seq < 0 || seq >= Integer.MAX_VALUE) {
            return; // not a run event
        }
        boolean first;
        if (m.has(RunEventScanner.WARMUP)) {
            first = !warmUpSeen.get((int) seq);
            warmUpSeen.set((int) seq);
        } else {
            long sentNanos = m.has(RunEventScanner.SENT_NANOS) ? m.number(RunEventScanner.SENT_NANOS) : 0;
            first = recorder.record(seq, sentNanos, replacedByIt, receivedNanos);
        }
        if (!first) {
            duplicates = duplicates + 1;
        }
    }

    /** A gap notice: counted, and its cursor kept. */
    final void gap(RunEventScanner m) {
        gaps = gaps + 1;
        keepCursor(m);
    }

    private void keepCursor(RunEventScanner m) {
        if (m.has(RunEventScanner.CURSOR)) {
            cursor.copy(m.text(RunEventScanner.CURSOR));
        }
    }

    /** 4xx (other than 408 and 429) will not get better by retrying. */
    static boolean isPermanent(int status) {
        return status >= 400 && status < 500 && status != 408 && status != 429;
    }

    /** The value of header {@code name} in a response head, or null. */
    static String header(String head, String name) {
        for (String line : head.split("\r\n")) {
            int colon = line.indexOf(':');
            if (colon > 0 && line.substring(0, colon).trim().equalsIgnoreCase(name)) {
                return line.substring(colon + 1).trim();
            }
        }
        return null;
    }

    /**
     * One connection: sends the request once connected, reads the response head, then hands every byte of
     * the stream to {@link #body}. A response of another status is a refusal: its body (bounded) says why.
     */
    abstract class Connection extends ChannelInboundHandlerAdapter {

        /** The response head as it arrives; then a refusal's body. */
        private final StringBuilder head = new StringBuilder(256);
        private ChannelHandlerContext ctx;
        private boolean streaming;
        private boolean refused;
        private int refusedStatus;
        private int refusalBodyLeft;

        /** The request, sent once connected. */
        protected abstract ByteBuf request(ByteBufAllocator alloc);

        /** The status that opens the stream. */
        protected abstract int streamStatus();

        /** The head (of {@link #streamStatus}) is complete: false when the stream is not one this can read. */
        protected abstract boolean accept(String head);

        /** Bytes {@code [from, to)} of {@code buf}, the next of the stream, read at {@code receivedNanos}. */
        protected abstract void body(ByteBuf buf, int from, int to, long receivedNanos);

        /** The connection closed (it was the current one, and no refusal). */
        protected void ended() {
            lost(this);
        }

        final boolean isCurrent() {
            return this == current;
        }

        /** Writes and flushes {@code bytes}, counted. */
        final void send(ByteBuf bytes) {
            bytesSent = bytesSent + bytes.readableBytes();
            ctx.writeAndFlush(bytes, ctx.voidPromise());
        }

        final ByteBufAllocator alloc() {
            return ctx.alloc();
        }

        final void close() {
            if (ctx != null) {
                ctx.close();
            }
        }

        @Override
        public void handlerAdded(ChannelHandlerContext ctx) {
            this.ctx = ctx;
            if (!isCurrent()) {
                ctx.close(); // given up before it was registered
            }
        }

        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            connectionsOpened = connectionsOpened + 1;
            connectionsOpen = connectionsOpen + 1;
            httpRequests = httpRequests + 1;
            send(request(ctx.alloc()));
            ctx.fireChannelActive();
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ByteBuf buf = (ByteBuf) msg;
            try {
                if (!isCurrent()) {
                    return;
                }
                long receivedNanos = System.nanoTime();
                bytesReceived = bytesReceived + buf.readableBytes();
                int from = streaming ? buf.readerIndex() : readHead(buf, buf.readerIndex(), buf.writerIndex());
                if (streaming) {
                    body(buf, from, buf.writerIndex(), receivedNanos);
                }
            } finally {
                buf.release();
            }
        }

        /** Reads head bytes from {@code i}; returns where the body starts once it is complete. */
        private int readHead(ByteBuf buf, int i, int end) {
            if (refused) {
                readRefusal(buf, i, end);
                return end;
            }
            while (i < end) {
                head.append((char) (buf.getByte(i++) & 0xff));
                int n = head.length();
                if (n >= 4 && head.charAt(n - 4) == '\r' && head.charAt(n - 3) == '\n'
                        && head.charAt(n - 2) == '\r' && head.charAt(n - 1) == '\n') {
                    headRead(buf, i, end);
                    return i;
                }
                if (n > MAX_HEAD) {
                    lost(this); // not an HTTP response
                    return end;
                }
            }
            return end;
        }

        private void headRead(ByteBuf buf, int i, int end) {
            String text = head.toString();
            head.setLength(0);
            int status = status(text);
            if (status == streamStatus()) {
                if (accept(text)) {
                    streaming = true;
                    subscribed();
                }
                return;
            }
            refused = true;
            refusedStatus = status;
            String length = header(text, "content-length");
            refusalBodyLeft = length == null ? 0 : (int) Math.min(MAX_ERROR_BODY, Long.parseLong(length));
            readRefusal(buf, i, end);
        }

        private void readRefusal(ByteBuf buf, int i, int end) {
            for (; i < end && refusalBodyLeft > 0; i++, refusalBodyLeft--) {
                head.append((char) (buf.getByte(i) & 0xff));
            }
            if (refusalBodyLeft == 0) {
                judgeRefusal();
            }
        }

        private void judgeRefusal() {
            if (!isCurrent()) {
                return;
            }
            if (isPermanent(refusedStatus)) {
                failPermanently(describe(refusedStatus, head.toString()));
            } else {
                lost(this);
            }
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            connectionsOpen = connectionsOpen - 1;
            if (refused) {
                judgeRefusal();
            } else if (isCurrent()) {
                ended();
            }
            ctx.fireChannelInactive();
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            lost(this);
            ctx.close();
        }
    }

    /** The status code of a response head ({@code HTTP/1.1 200 OK}), or -1. */
    private static int status(String head) {
        int space = head.indexOf(' ');
        try {
            return space < 0 || head.length() < space + 4 ? -1 : Integer.parseInt(head.substring(space + 1, space + 4));
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /** {@code "400 bad_channel: message"} from a JSON error body, or the status alone. */
    private static String describe(int status, String body) {
        try {
            JsonNode error = JSON.readTree(body);
            if (error != null && error.hasNonNull("error")) {
                return status + " " + error.get("error").asText() + ": " + error.path("message").asText("");
            }
        } catch (IOException e) {
            // not JSON: the status says it
        }
        return "HTTP " + status;
    }
}
