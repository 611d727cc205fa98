package dev.fanfare.client.sse;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class SseParserTest {

    /** What the handler saw, in order, as readable strings. */
    private static final class Recorder implements SseParser.Handler {
        final List<String> seen = new ArrayList<>();

        @Override
        public void onEvent(SseEvent event) {
            seen.add("event " + event.type() + " id=" + event.lastEventId() + " data=" + event.data());
        }

        @Override
        public void onComment(String comment) {
            seen.add("comment " + comment);
        }

        @Override
        public void onRetry(long millis) {
            seen.add("retry " + millis);
        }
    }

    private static final String GATEWAY_STREAM = "retry: 2000\n\n"
            + "id: c1\ndata: {\"channel\":\"ticker/ACME\",\"cursor\":\"c1\"}\n\n"
            + ": hb\n\n"
            + "event: gap\nid: c2\ndata: {\"gap\":true,\"cursor\":\"c2\",\"channels\":[\"ticker/ACME\"]}\n\n"
            + "event: disconnect\ndata: {\"reason\":\"slow_consumer\"}\n\n";

    private static final List<String> GATEWAY_EVENTS = List.of(
            "retry 2000",
            "event message id=c1 data={\"channel\":\"ticker/ACME\",\"cursor\":\"c1\"}",
            "comment hb",
            "event gap id=c2 data={\"gap\":true,\"cursor\":\"c2\",\"channels\":[\"ticker/ACME\"]}",
            "event disconnect id=c2 data={\"reason\":\"slow_consumer\"}");

    private static List<String> parse(byte[] stream, int... cuts) {
        Recorder recorder = new Recorder();
        SseParser parser = new SseParser(recorder, 1024, 4096);
        int from = 0;
        for (int cut : cuts) {
            feed(parser, stream, from, cut);
            from = cut;
        }
        feed(parser, stream, from, stream.length);
        return recorder.seen;
    }

    private static void feed(SseParser parser, byte[] stream, int from, int to) {
        ByteBuf chunk = Unpooled.copiedBuffer(stream, from, to - from);
        try {
            parser.feed(chunk);
            assertEquals(0, chunk.readableBytes(), "the parser consumes every byte it is given");
        } finally {
            chunk.release();
        }
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void readsTheGatewaysStreamInOnePiece() {
        assertEquals(GATEWAY_EVENTS, parse(utf8(GATEWAY_STREAM)));
    }

    @Test
    void givesTheSameEventsWhereverOneChunkBoundaryFalls() {
        byte[] stream = utf8(GATEWAY_STREAM);
        for (int cut = 0; cut <= stream.length; cut++) {
            assertEquals(GATEWAY_EVENTS, parse(stream, cut), "cut at " + cut);
        }
    }

    @Test
    void givesTheSameEventsFedOneByteAtATime() {
        byte[] stream = utf8(GATEWAY_STREAM);
        int[] everyByte = new int[stream.length];
        for (int i = 0; i < stream.length; i++) {
            everyByte[i] = i;
        }
        assertEquals(GATEWAY_EVENTS, parse(stream, everyByte));
    }

    @Test
    void acceptsCrLfAndLoneCrLineEndsEvenWhenACrLfIsSplitAcrossChunks() {
        String lf = "id: 1\ndata: a\n\ndata: b\n\n";
        List<String> expected = parse(utf8(lf));
        byte[] crlf = utf8(lf.replace("\n", "\r\n"));
        byte[] cr = utf8(lf.replace("\n", "\r"));
        assertEquals(expected, parse(crlf));
        assertEquals(expected, parse(cr));
        for (int cut = 0; cut <= crlf.length; cut++) {
            assertEquals(expected, parse(crlf, cut), "CRLF cut at " + cut);
        }
        assertEquals(List.of("event message id=1 data=a", "event message id=1 data=b"), expected);
    }

    @Test
    void joinsDataLinesWithNewlinesAndDropsOneLeadingSpaceOnly() {
        List<String> seen = parse(utf8("data: first\ndata:second\ndata:  third\ndata\n\n"));
        assertEquals(List.of("event message id= data=first\nsecond\n third\n"), seen);
    }

    @Test
    void reportsCommentsAndSkipsEventsWithoutData() {
        List<String> seen = parse(utf8(":\n: keep-alive\nevent: lonely\n\nid: 7\n\ndata: x\n\n"));
        assertEquals(List.of("comment ", "comment keep-alive", "event message id=7 data=x"), seen,
                "an event type without data dispatches nothing, and the type does not leak into the next event");
    }

    @Test
    void keepsTheLastEventIdAcrossEventsUntilChangedAndIgnoresIdsWithNul() {
        List<String> seen = parse(utf8("id: a\ndata: 1\n\ndata: 2\n\nid: b\u0000c\ndata: 3\n\nid\ndata: 4\n\n"));
        assertEquals(List.of("event message id=a data=1", "event message id=a data=2", "event message id=a data=3",
                "event message id= data=4"), seen);
    }

    @Test
    void honoursOnlyDigitRetryValuesAndIgnoresUnknownFields() {
        List<String> seen = parse(utf8("retry: 150\nretry: soon\nretry: -5\nfoo: bar\ndata: x\n\n"));
        assertEquals(List.of("retry 150", "event message id= data=x"), seen);
    }

    @Test
    void decodesUtf8SplitInsideACharacterAndStripsALeadingByteOrderMark() {
        byte[] stream = utf8("\uFEFFdata: caf\u00e9 \u20ac \uD83D\uDC4F\n\n");
        String expected = "event message id= data=caf\u00e9 \u20ac \uD83D\uDC4F";
        for (int cut = 0; cut <= stream.length; cut++) {
            assertEquals(List.of(expected), parse(stream, cut), "cut at " + cut);
        }
    }

    @Test
    void waitsForTheBlankLineBeforeDispatching() {
        assertEquals(List.of(), parse(utf8("data: not yet\n")));
    }

    @Test
    void rejectsALineLongerThanItsBound() {
        SseParser parser = new SseParser(new Recorder(), 16, 1024);
        ByteBuf chunk = Unpooled.copiedBuffer("data: 0123456789abcdef\n", StandardCharsets.UTF_8);
        try {
            assertThrows(SseFormatException.class, () -> parser.feed(chunk));
        } finally {
            chunk.release();
        }
    }

    @Test
    void rejectsEventDataLongerThanItsBound() {
        SseParser parser = new SseParser(new Recorder(), 1024, 10);
        ByteBuf chunk = Unpooled.copiedBuffer("data: 12345\ndata: 67890\n\n", StandardCharsets.UTF_8);
        try {
            assertThrows(SseFormatException.class, () -> parser.feed(chunk));
        } finally {
            chunk.release();
        }
    }
}
