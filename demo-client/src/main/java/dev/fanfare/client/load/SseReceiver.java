package dev.fanfare.client.load;

import dev.fanfare.client.style.Subscription;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.EventLoop;

/**
 * A lean SSE subscriber: {@code GET /sse?channel=..&cursor=..}, then the event stream's lines read as bytes.
 * A {@code data:} line's bytes go to the {@link RunEventScanner}; an {@code event:} line's value names the event's
 * type; other fields ({@code id:}, {@code retry:}) and comments ({@code : hb}) are skipped; a blank line ends
 * the event. An event of the default type is an event, one of type {@code gap} a gap; the others (the
 * gateway's {@code heartbeat} and {@code disconnect}) are ignored, as an {@code EventSource} ignores them.
 * Every event is one {@code data:} line, as the gateway writes it. The gateway's stream has neither length
 * nor chunking; a chunked one (a proxy in the way) is refused.
 */
final class SseReceiver extends LeanReceiver {

    private static final byte[] DATA = ByteText.ascii("data:");
    private static final byte[] EVENT = ByteText.ascii("event:");
    private static final byte[] MESSAGE = ByteText.ascii("message");
    private static final byte[] GAP = ByteText.ascii("gap");
    private static final int MAX_TYPE = 32;

    private static final int LINE_START = 0;
    private static final int NAME = 1;
    private static final int VALUE_START = 2;
    private static final int DATA_VALUE = 3;
    private static final int EVENT_VALUE = 4;
    private static final int SKIP = 5;

    SseReceiver(EventLoop loop, Subscription subscription, DeliveryRecorder recorder) {
        super(loop, subscription, recorder);
    }

    @Override
    protected Connection newConnection() {
        return new SseConnection();
    }

    private final class SseConnection extends Connection {

        private final RunEventScanner scanner = new RunEventScanner();
        private final ByteText type = new ByteText(MAX_TYPE, MAX_TYPE);
        private int line = LINE_START;
        /** The field name being matched ({@link #DATA} or {@link #EVENT}, colon included), and how far. */
        private byte[] name;
        private int matched;
        private boolean hasData;

        @Override
        protected ByteBuf request(ByteBufAllocator alloc) {
            return requestHead(alloc, target("/sse"), "accept", "text/event-stream", "cache-control", "no-cache");
        }

        @Override
        protected int streamStatus() {
            return 200;
        }

        @Override
        protected boolean accept(String head) {
            String contentType = header(head, "content-type");
            if (contentType == null || !contentType.startsWith("text/event-stream")) {
                lost(this); // the full client retries too
                return false;
            }
            String encoding = header(head, "transfer-encoding");
            if (encoding != null && encoding.contains("chunked")) {
                failPermanently("the event stream is chunked (a proxy in the way?): the lean receiver reads the"
                        + " gateway's own unframed stream; use --receiver client");
                return false;
            }
            return true;
        }

        @Override
        protected void body(ByteBuf buf, int from, int to, long receivedNanos) {
            int i = from;
            while (i < to) {
                switch (line) {
                    case DATA_VALUE, SKIP -> {
                        int lf = buf.indexOf(i, to, (byte) '\n');
                        if (line == DATA_VALUE) {
                            scanner.scan(buf, i, lf < 0 ? to : lf);
                        }
                        if (lf < 0) {
                            return;
                        }
                        i = lf + 1;
                        line = LINE_START;
                    }
                    case VALUE_START -> {
                        if (buf.getByte(i) == ' ') {
                            i++; // the one space after the colon is not part of the value
                        }
                        line = name == DATA ? DATA_VALUE : EVENT_VALUE;
                    }
                    default -> lineByte(buf.getByte(i++), receivedNanos);
                }
            }
        }

        /** A byte at a line's start, of a field name, or of an event type. */
        private void lineByte(byte b, long receivedNanos) {
            if (b == '\r') {
                return; // CRLF ends a line as LF does
            }
            switch (line) {
                case LINE_START -> {
                    if (b == '\n') {
                        dispatch(receivedNanos);
                        return;
                    }
                    name = b == 'd' ? DATA : b == 'e' ? EVENT : null;
                    matched = 1;
                    line = name == null ? SKIP : NAME;
                }
                case NAME -> {
                    if (b != name[matched]) {
                        line = b == '\n' ? LINE_START : SKIP;
                    } else if (++matched == name.length) {
                        line = VALUE_START;
                        hasData |= name == DATA;
                        if (name == EVENT) {
                            type.clear();
                        }
                    }
                }
                default -> { // EVENT_VALUE
                    if (b == '\n') {
                        line = LINE_START;
                    } else {
                        type.append(b);
                    }
                }
            }
        }

        /** A blank line: the event is complete. */
        private void dispatch(long receivedNanos) {
            if (hasData) {
                scanner.end();
                if (type.isEmpty() || type.is(MESSAGE)) {
                    event(scanner, receivedNanos);
                } else if (type.is(GAP)) {
                    gap(scanner);
                }
            }
            scanner.clear();
            type.clear();
            hasData = false;
        }
    }
}
