package dev.fanfare.client.load;

import dev.fanfare.client.style.ClientCounters;
import dev.fanfare.client.style.GatewayAddress;
import dev.fanfare.client.style.PermanentFailureException;
import dev.fanfare.client.style.Subscription;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.EventLoop;
import io.netty.channel.embedded.EmbeddedChannel;
import org.HdrHistogram.Recorder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.function.Function;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The lean receivers against bytes as the gateway writes them, fed through an {@link EmbeddedChannel}: every
 * event is found exactly once wherever the reads split the stream, and accounted for as a style client would.
 */
class LeanReceiverTest {

    private static final String CHANNEL = "demo/run";
    private static final Subscription SUBSCRIPTION = Subscription.of(
                    new GatewayAddress("127.0.0.1", new InetSocketAddress(InetAddress.getLoopbackAddress(), 8080)),
                    List.of(CHANNEL))
            .withCursor("c0");
    private static final String SSE_HEAD = "HTTP/1.1 200 OK\r\ncontent-type: text/event-stream; charset=utf-8\r\n"
            + "cache-control: no-cache\r\nconnection: keep-alive\r\n\r\n";
    private static final String WS_HEAD = "HTTP/1.1 101 Switching Protocols\r\nupgrade: websocket\r\n"
            + "connection: upgrade\r\nsec-websocket-accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n\r\n";

    private final Recorder latency = new Recorder(3);
    private final DeliveryRecorder recorder = new DeliveryRecorder(CHANNEL, latency, false);
    private final List<Wired> wired = new ArrayList<>();

    /** A receiver wired to an embedded connection that has sent its request. */
    private record Wired(LeanReceiver receiver, EmbeddedChannel channel) {

        String request() {
            ByteBuf sent = channel.readOutbound();
            String text = sent.toString(StandardCharsets.US_ASCII);
            sent.release();
            return text;
        }

        void read(byte[] bytes, int from, int to) {
            channel.writeInbound(Unpooled.wrappedBuffer(Arrays.copyOfRange(bytes, from, to)));
        }

        void read(byte[] bytes) {
            read(bytes, 0, bytes.length);
        }

        ClientCounters.Snapshot counters() {
            return receiver.counters();
        }
    }

    private interface Style {
        LeanReceiver create(EventLoop loop, Subscription subscription, DeliveryRecorder recorder);
    }

    private Wired wire(Style style) {
        EmbeddedChannel channel = new EmbeddedChannel();
        LeanReceiver receiver = style.create(channel.eventLoop(), SUBSCRIPTION, recorder);
        channel.pipeline().addLast(receiver.open());
        channel.pipeline().fireChannelActive();
        Wired w = new Wired(receiver, channel);
        wired.add(w);
        return w;
    }

    /** Stops the receivers (no reconnect is scheduled) and releases what they wrote. */
    @AfterEach
    void finish() {
        for (Wired w : wired) {
            w.receiver().close();
            w.channel().finishAndReleaseAll();
        }
        wired.clear();
    }

    private Wired sse() {
        return wire(SseReceiver::new);
    }

    private Wired ws() {
        return wire(WsReceiver::new);
    }

    // --- what the gateway writes (Envelopes) ---

    private static String envelope(boolean ws, long seq, long ts, boolean warmup) {
        String payload = new String(RunPayload.encode(seq, System.nanoTime(), 1_700_000_000_000L, warmup),
                StandardCharsets.US_ASCII);
        return (ws ? "{\"type\":\"event\",\"channel\":\"" : "{\"channel\":\"") + CHANNEL + "\",\"cursor\":\"c" + ts
                + "\",\"ts\":" + ts + ",\"data\":" + payload + "}";
    }

    private static String sseEvent(long seq, long ts, boolean warmup) {
        return "id: c" + ts + "\ndata: " + envelope(false, seq, ts, warmup) + "\n\n";
    }

    private static byte[] frame(int first, String payload) {
        byte[] data = payload.getBytes(StandardCharsets.UTF_8);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(first);
        if (data.length < 126) {
            out.write(data.length);
        } else {
            out.write(126);
            out.write(data.length >> 8);
            out.write(data.length & 0xff);
        }
        out.writeBytes(data);
        return out.toByteArray();
    }

    private static byte[] text(String payload) {
        return frame(0x81, payload);
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] part : parts) {
            out.writeBytes(part);
        }
        return out.toByteArray();
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    /** What the stream below carries: three measured events (0, 1, 2), a warm-up one and a gap. */
    private void assertTheStreamsEvents(Wired wired, String at) {
        ClientCounters.Snapshot c = wired.counters();
        BitSet measured = new BitSet();
        measured.set(0, 3);
        assertEquals(3, recorder.delivered(measured), at);
        assertEquals(3, recorder.accounted(), at);
        assertEquals(2, recorder.lastSeq(), at);
        assertEquals(4, c.events(), at + ": the warm-up's event is an event too");
        assertEquals(1, c.gaps(), at);
        assertEquals(0, c.duplicates(), at);
        assertEquals(0, c.outOfOrder(), at);
        assertEquals(3, latency.getIntervalHistogram().getTotalCount(), at + ": only measured events are timed");
        assertEquals("c5", cursorParam(wired.receiver()), at + ": it resumes after the gap");
    }

    private static String cursorParam(LeanReceiver receiver) {
        String target = receiver.target("/x");
        return target.substring(target.indexOf("cursor=") + "cursor=".length());
    }

    private static final byte[] SSE_STREAM = ascii(SSE_HEAD + "retry: 2000\n\n"
            + "event: heartbeat\ndata: {\"interval\":15000}\n\n"
            + sseEvent(0, 1, true)
            + ": hb\n\n"
            + sseEvent(0, 2, false)
            + "event: other\ndata: " + envelope(false, 9, 3, false) + "\n\n"
            + sseEvent(1, 3, false)
            + "event: gap\nid: c5\ndata: {\"gap\":true,\"cursor\":\"c5\",\"channels\":[\"demo/run\"]}\n\n"
            + "id: c6\r\ndata: " + envelope(false, 2, 4, false).replace("\"cursor\":\"c4\"", "\"cursor\":\"c5\"")
            + "\r\n\r\n"
            + "event: disconnect\ndata: {\"reason\":\"shutdown\"}\n\n");

    @Test
    void sseSubscribesAsAPlainClientDoes() {
        String request = requestThenOpen(sse(), SSE_HEAD);
        assertTrue(request.startsWith("GET /sse?channel=demo%2Frun&cursor=c0 HTTP/1.1\r\n"), request);
        assertTrue(request.contains("accept: text/event-stream\r\n"), request);
    }

    /** The request {@code wired} sent; it is ready once it read {@code head}, not before. */
    private static String requestThenOpen(Wired wired, String head) {
        String request = wired.request();
        assertTrue(request.contains("\r\nhost: 127.0.0.1:8080\r\n"), request);
        assertTrue(request.endsWith("\r\n\r\n"), request);
        assertFalse(wired.receiver().ready().isDone(), "not before the response head");
        wired.read(ascii(head));
        assertTrue(wired.receiver().ready().isDone());
        return request;
    }

    @Test
    void sseFindsEveryEventOnceWhereverTwoReadsSplitTheStream() {
        assertFoundOnceWhereverTwoReadsSplit(LeanReceiverTest::sse, SSE_STREAM);
    }

    /** Reads {@code stream} (head included) in two reads, split at every byte, each time into a new receiver. */
    private static void assertFoundOnceWhereverTwoReadsSplit(Function<LeanReceiverTest, Wired> style, byte[] stream) {
        for (int split = 0; split <= stream.length; split++) {
            LeanReceiverTest fresh = new LeanReceiverTest();
            Wired wired = style.apply(fresh);
            wired.read(stream, 0, split);
            wired.read(stream, split, stream.length);
            fresh.assertTheStreamsEvents(wired, "split at " + split);
            fresh.finish();
        }
    }

    @Test
    void sseFindsEveryEventReadOneByteAtATime() {
        Wired sse = sse();
        for (int i = 0; i < SSE_STREAM.length; i++) {
            sse.read(SSE_STREAM, i, i + 1);
        }
        assertTheStreamsEvents(sse, "byte by byte");
    }

    @Test
    void sseCountsARepeatedEventAsADuplicateAndATimestampGoingBackAsOutOfOrder() {
        Wired sse = sse();
        sse.read(ascii(SSE_HEAD + sseEvent(0, 5, false) + sseEvent(0, 5, false) + sseEvent(1, 4, false)));
        assertEquals(3, sse.counters().events());
        assertEquals(1, sse.counters().duplicates());
        assertEquals(1, sse.counters().outOfOrder());
        assertEquals(2, recorder.accounted());
    }

    @Test
    void manyEventsInOneReadAreEachRecorded() {
        StringBuilder stream = new StringBuilder(SSE_HEAD);
        for (int seq = 0; seq < 500; seq++) {
            stream.append(sseEvent(seq, seq + 1, false));
        }
        Wired sse = sse();
        sse.read(ascii(stream.toString()));
        assertEquals(500, recorder.accounted());
        assertEquals(500, latency.getIntervalHistogram().getTotalCount());
        assertEquals(stream.length(), sse.counters().bytesReceived());
    }

    @Test
    void aRefusalThatRetryingCannotFixFailsTheReceiver() {
        Wired sse = sse();
        String body = "{\"error\":\"bad_channel\",\"message\":\"channel: nope\"}";
        byte[] answer = ascii("HTTP/1.1 400 Bad Request\r\ncontent-type: application/json\r\ncontent-length: "
                + body.length() + "\r\n\r\n" + body);
        sse.read(answer, 0, answer.length - 10);
        assertFalse(sse.receiver().ready().isDone(), "the body is not complete yet");
        sse.read(answer, answer.length - 10, answer.length);
        CompletionException failure = assertThrows(CompletionException.class, () -> sse.receiver().ready().join());
        assertInstanceOf(PermanentFailureException.class, failure.getCause());
        assertEquals("400 bad_channel: channel: nope", failure.getCause().getMessage());
    }

    @Test
    void aChunkedStreamIsRefusedForTheStyleClient() {
        Wired sse = sse();
        sse.read(ascii("HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\ntransfer-encoding: chunked\r\n\r\n"));
        CompletionException failure = assertThrows(CompletionException.class, () -> sse.receiver().ready().join());
        assertTrue(failure.getCause().getMessage().contains("--receiver client"), failure.getCause().getMessage());
    }

    private static final byte[] WS_STREAM = concat(ascii(WS_HEAD),
            text(envelope(true, 0, 1, true)),
            text(envelope(true, 0, 2, false)),
            frame(0x89, "hi"), // a ping
            text("{\"type\":\"ack\",\"id\":\"x\",\"seq\":9}"),
            // one message in three frames: text, continuation, final continuation
            frame(0x01, envelope(true, 1, 3, false).substring(0, 40)),
            frame(0x00, envelope(true, 1, 3, false).substring(40, 90)),
            frame(0x80, envelope(true, 1, 3, false).substring(90)),
            text("{\"type\":\"gap\",\"cursor\":\"c5\",\"channels\":[\"demo/run\"]}"),
            // long enough for a 16-bit length
            text(envelope(true, 2, 4, false).replace("\"cursor\":\"c4\"", "\"cursor\":\"c5\"")
                    .replace("\"sentAt\"", "\"padding\":\"" + "p".repeat(120) + "\",\"sentAt\"")));

    @Test
    void wsUpgradesWithTheSubscriptionInItsUrl() {
        String request = requestThenOpen(ws(), WS_HEAD);
        assertTrue(request.startsWith("GET /ws?channel=demo%2Frun&cursor=c0 HTTP/1.1\r\n"), request);
        assertTrue(request.contains("upgrade: websocket\r\n"), request);
        assertTrue(request.contains("connection: Upgrade\r\n"), request);
        assertTrue(request.contains("sec-websocket-version: 13\r\n"), request);
        assertTrue(request.contains("sec-websocket-key: "), request);
    }

    @Test
    void wsFindsEveryEventOnceWhereverTwoReadsSplitTheFrames() {
        assertFoundOnceWhereverTwoReadsSplit(LeanReceiverTest::ws, WS_STREAM);
    }

    @Test
    void wsAnswersAPingWithAMaskedPong() {
        Wired ws = ws();
        ws.request();
        ws.read(concat(ascii(WS_HEAD), frame(0x89, "hi")));
        ByteBuf pong = ws.channel().readOutbound();
        assertEquals(0x8A, pong.readUnsignedByte(), "final pong");
        assertEquals(0x80 | 2, pong.readUnsignedByte(), "masked, two bytes");
        byte[] mask = new byte[4];
        pong.readBytes(mask);
        byte[] payload = {(byte) (pong.readByte() ^ mask[0]), (byte) (pong.readByte() ^ mask[1])};
        pong.release();
        assertArrayEquals(ascii("hi"), payload);
    }

    @Test
    void wsClosedForABadSubscriptionFailsTheReceiver() {
        Wired ws = ws();
        ws.request();
        byte[] close = concat(new byte[] {(byte) 0x88, 2 + 11, 0x03, (byte) 0xF0}, ascii("bad channel"));
        ws.read(concat(ascii(WS_HEAD), close));
        assertFalse(ws.channel().isOpen(), "it answers the close and closes");
        CompletionException failure = assertThrows(CompletionException.class,
                () -> ws.receiver().close().join());
        assertEquals("closed by the gateway: 1008 bad channel", failure.getCause().getMessage());
    }

    @Test
    void readingEventsAllocatesNothingPerEvent() throws Exception {
        int events = 20_000;
        StringBuilder stream = new StringBuilder();
        for (int seq = 0; seq < events; seq++) {
            stream.append(sseEvent(seq, seq + 1, false));
        }
        // a heap buffer: the leak detector's tracking of an allocator's buffers allocates on every access
        ByteBuf bytes = Unpooled.wrappedBuffer(ascii(stream.toString()));
        Wired sse = sse();
        sse.read(ascii(SSE_HEAD));
        LeanReceiver.Connection connection = (LeanReceiver.Connection) sse.channel().pipeline().last();
        ChannelHandlerContext ctx = sse.channel().pipeline().lastContext();
        int read = 150; // about one event per read, the split moving through them
        feed(connection, ctx, bytes, 0, stream.length() / 2, read); // the first half warms up
        // The second half in rounds: one allocating per event allocates in every round; a one-off does not (the
        // recorder's set of sequence numbers doubling, or, when the JIT has not compiled this yet, the thread's
        // allocation buffer retired in a collection, seen as a round of ~200 KB on a fresh machine)
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        int rounds = 8;
        int half = stream.length() / 2;
        long[] allocated = new long[rounds];
        for (int r = 0; r < rounds; r++) {
            long before = threads.getCurrentThreadAllocatedBytes();
            feed(connection, ctx, bytes, half + r * half / rounds, half + (r + 1) * half / rounds, read);
            allocated[r] = threads.getCurrentThreadAllocatedBytes() - before;
        }
        bytes.release();
        assertEquals(events, recorder.accounted());
        int perRound = events / 2 / rounds;
        assertTrue(Arrays.stream(allocated).min().getAsLong() < perRound,
                "bytes allocated by rounds of " + perRound + " events: " + Arrays.toString(allocated));
    }

    private static void feed(LeanReceiver.Connection connection, ChannelHandlerContext ctx, ByteBuf bytes, int from,
                             int to, int read) {
        for (int i = from; i < to; i += read) {
            bytes.setIndex(i, Math.min(to, i + read));
            connection.channelRead(ctx, bytes.retain()); // it releases what it read
        }
    }
}
