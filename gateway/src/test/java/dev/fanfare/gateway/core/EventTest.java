package dev.fanfare.gateway.core;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.UnpooledByteBufAllocator;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

class EventTest {

    private static final Cursors CURSORS = new Cursors(StreamLayout.of(List.of("ticker"), List.of("t.ticker"),
            List.of(java.util.UUID.randomUUID()), List.of(1)));

    private static Event event() {
        return new Event(UnpooledByteBufAllocator.DEFAULT, ChannelName.parse("ticker/A"), 0, 0, 7, 1000, 0,
                new long[] {8}, CURSORS, "{\"p\":1}".getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void aFormatIsEncodedOnlyWhenFirstAskedForAndThenShared() {
        Event e = event();
        assertFalse(e.isEncoded(Envelopes.Format.WS), "nothing is encoded before a subscriber asks");
        ByteBuf a = e.shared(Envelopes.Format.SSE);
        ByteBuf b = e.shared(Envelopes.Format.SSE);
        try {
            assertEquals(a.memoryAddress(), b.memoryAddress(), "every subscriber gets the same bytes");
            assertTrue(e.isEncoded(Envelopes.Format.SSE));
            assertFalse(e.isEncoded(Envelopes.Format.WS));
            assertFalse(e.isEncoded(Envelopes.Format.JSON));
            String c = e.cursor();
            assertEquals("id: " + c + "\ndata: {\"channel\":\"ticker/A\",\"cursor\":\"" + c + "\",\"ts\":1000,\"data\":{\"p\":1}}\n\n",
                    a.toString(StandardCharsets.US_ASCII));
            assertArrayEquals(new long[] {8}, CURSORS.decode(c), "the position after it on its partition");
        } finally {
            a.release();
            b.release();
        }
        ByteBuf held = e.shared(Envelopes.Format.SSE);
        assertEquals(2, held.refCnt(), "the event's reference and the duplicate's");
        e.release();
        assertEquals(1, held.refCnt(), "the last reference to the event releases its encodings");
        held.release();
    }

    @Test
    void loopsRacingToEncodeTheSameFormatShareOneEncoding() throws Exception {
        Event e = event();
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            CountDownLatch go = new CountDownLatch(1);
            List<Future<ByteBuf>> got = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                got.add(pool.submit(() -> {
                    go.await();
                    return e.shared(Envelopes.Format.WS);
                }));
            }
            go.countDown();
            ByteBuf first = got.get(0).get();
            for (Future<ByteBuf> f : got) {
                ByteBuf b = f.get();
                assertEquals(first.memoryAddress(), b.memoryAddress());
                b.release();
            }
        } finally {
            pool.shutdownNow();
            e.release();
        }
    }
}
