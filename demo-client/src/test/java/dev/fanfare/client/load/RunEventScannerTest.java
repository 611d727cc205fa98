package dev.fanfare.client.load;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What the byte scanner takes from one message's JSON, however the bytes are split. */
class RunEventScannerTest {

    private static final String ENVELOPE = "{\"type\":\"event\",\"channel\":\"demo/run\",\"cursor\":\"AgE-x_9\",\"ts\":1700,"
            + "\"data\":{\"seq\":42,\"sentNanos\":-123456789012,\"sentAt\":5,\"warmup\":true},\"conflated\":3}";

    /** Scans {@code json} in pieces of {@code piece} bytes, as reads would deliver it. */
    private static RunEventScanner scan(String json, int piece) {
        RunEventScanner scanner = new RunEventScanner();
        ByteBuf buf = Unpooled.copiedBuffer(json, StandardCharsets.UTF_8);
        for (int from = 0; from < buf.writerIndex(); from += piece) {
            scanner.scan(buf, from, Math.min(buf.writerIndex(), from + piece));
        }
        scanner.end();
        buf.release();
        return scanner;
    }

    @Test
    void everyFieldIsFoundInAnEnvelopeSplitAnywhere() {
        for (int piece = 1; piece <= ENVELOPE.length(); piece++) {
            RunEventScanner m = scan(ENVELOPE, piece);
            String at = "pieces of " + piece;
            assertTrue(m.text(RunEventScanner.TYPE).is(ByteText.ascii("event")), at);
            assertEquals("AgE-x_9", m.text(RunEventScanner.CURSOR).toString(), at);
            assertEquals(1700, m.number(RunEventScanner.TS), at);
            assertEquals(42, m.number(RunEventScanner.SEQ), at);
            assertEquals(-123456789012L, m.number(RunEventScanner.SENT_NANOS), at);
            assertEquals(3, m.number(RunEventScanner.CONFLATED), at);
            assertTrue(m.has(RunEventScanner.WARMUP), at);
        }
    }

    @Test
    void theFirstOccurrenceOfAKeyCounts() {
        RunEventScanner m = scan("{\"ts\":1,\"data\":{\"ts\":2,\"seq\":3,\"inner\":{\"seq\":4}}}", 7);
        assertEquals(1, m.number(RunEventScanner.TS), "the envelope's, not the data's");
        assertEquals(3, m.number(RunEventScanner.SEQ));
    }

    @Test
    void keysInsideStringsAreNotKeys() {
        RunEventScanner m = scan("{\"note\":\"\\\"seq\\\":5\",\"k\":\"seq\",\"a\":\"x seq\",\"seq\":1}", 3);
        assertEquals(1, m.number(RunEventScanner.SEQ));
        assertFalse(m.has(RunEventScanner.WARMUP));
    }

    @Test
    void whatIsNotOfTheExpectedKindIsNotTaken() {
        RunEventScanner m = scan("{\"cursor\":null,\"ts\":\"late\",\"seq\":99999999999999999999,\"sentNanos\":-,"
                + "\"type\":\"a\\\"b\",\"sequence\":7,\"seq2\":8}", 5);
        assertFalse(m.has(RunEventScanner.CURSOR));
        assertFalse(m.has(RunEventScanner.TS));
        assertFalse(m.has(RunEventScanner.SEQ), "not a long, and longer or other keys are other keys");
        assertFalse(m.has(RunEventScanner.SENT_NANOS));
        assertFalse(m.has(RunEventScanner.TYPE), "a string with an escape is none of ours");
    }

    @Test
    void clearForgetsTheMessage() {
        RunEventScanner m = scan(ENVELOPE, 11);
        m.clear();
        ByteBuf next = Unpooled.copiedBuffer("{\"seq\":7}", StandardCharsets.US_ASCII);
        m.scan(next, 0, next.writerIndex());
        m.end();
        next.release();
        assertEquals(7, m.number(RunEventScanner.SEQ));
        assertFalse(m.has(RunEventScanner.TS));
        assertFalse(m.has(RunEventScanner.WARMUP));
    }

    @Test
    void aNumberAtTheVeryEndIsTakenWhenTheMessageEnds() {
        RunEventScanner m = new RunEventScanner();
        ByteBuf buf = Unpooled.copiedBuffer("\"seq\":12", StandardCharsets.US_ASCII);
        m.scan(buf, 0, buf.writerIndex());
        assertFalse(m.has(RunEventScanner.SEQ), "more digits may follow");
        m.end();
        buf.release();
        assertEquals(12, m.number(RunEventScanner.SEQ));
    }
}
