package dev.fanfare.client.load;

import dev.fanfare.client.style.Subscription;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.EventLoop;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A lean WebSocket subscriber: the upgrade {@code GET /ws?channel=..&cursor=..} (the gateway subscribes a
 * connection to the channels its URL names), then RFC 6455 frames read as bytes. The payload of data frames
 * and their continuations goes to the {@link RunEventScanner}; a final frame ends the message, which by its
 * {@code "type"} is an event, a gap, or something else (ignored). Pings are answered (masked, as a client's
 * frames must be); a close frame is answered and closes: a code that says the subscription is wrong (1003,
 * 1007, 1008, 1009) fails the receiver for good, any other reconnects.
 */
final class WsReceiver extends LeanReceiver {

    private static final byte[] EVENT = ByteText.ascii("event");
    private static final byte[] GAP = ByteText.ascii("gap");
    private static final Set<Integer> PERMANENT_CLOSE_CODES = Set.of(1003, 1007, 1008, 1009);
    private static final int MAX_CONTROL_PAYLOAD = 125;

    private static final int CLOSE = 0x8;
    private static final int PING = 0x9;
    private static final int PONG = 0xA;

    private static final int HEADER = 0;
    private static final int LENGTH = 1;
    private static final int EXTENDED_LENGTH = 2;
    private static final int PAYLOAD = 3;
    private static final int DONE = 4;

    WsReceiver(EventLoop loop, Subscription subscription, DeliveryRecorder recorder) {
        super(loop, subscription, recorder);
    }

    @Override
    protected Connection newConnection() {
        return new WsConnection();
    }

    /** A client's frame: final, masked with a random key, of at most 125 bytes. */
    static ByteBuf maskedFrame(ByteBufAllocator alloc, int opcode, byte[] payload, int length) {
        ByteBuf frame = alloc.buffer(6 + length);
        frame.writeByte(0x80 | opcode).writeByte(0x80 | length);
        int mask = ThreadLocalRandom.current().nextInt();
        frame.writeInt(mask);
        for (int k = 0; k < length; k++) {
            frame.writeByte(payload[k] ^ (mask >>> (24 - 8 * (k & 3))));
        }
        return frame;
    }

    private final class WsConnection extends Connection {

        private final RunEventScanner scanner = new RunEventScanner();
        private final byte[] control = new byte[MAX_CONTROL_PAYLOAD];
        private int frame = HEADER;
        private boolean fin;
        private int opcode;
        private int lengthBytes;
        private long remaining;
        private int controlLength;
        private int closeCode = -1;
        private String closeReason = "";

        @Override
        protected ByteBuf request(ByteBufAllocator alloc) {
            byte[] key = new byte[16];
            ThreadLocalRandom.current().nextBytes(key);
            return requestHead(alloc, target("/ws"), "upgrade", "websocket", "connection", "Upgrade",
                    "sec-websocket-key", Base64.getEncoder().encodeToString(key), "sec-websocket-version", "13");
        }

        @Override
        protected int streamStatus() {
            return 101;
        }

        @Override
        protected boolean accept(String head) {
            return true;
        }

        @Override
        protected void body(ByteBuf buf, int from, int to, long receivedNanos) {
            int i = from;
            while (i < to && frame != DONE) {
                switch (frame) {
                    case HEADER -> {
                        int b = buf.getByte(i++) & 0xff;
                        fin = (b & 0x80) != 0;
                        opcode = b & 0x0f;
                        frame = LENGTH;
                    }
                    case LENGTH -> {
                        int b = buf.getByte(i++) & 0xff;
                        int length = b & 0x7f;
                        if ((b & 0x80) != 0) {
                            protocolError(); // a server's frames are never masked
                        } else if (length >= 126) {
                            lengthBytes = length == 126 ? 2 : 8;
                            remaining = 0;
                            frame = EXTENDED_LENGTH;
                        } else {
                            remaining = length;
                            startPayload(receivedNanos);
                        }
                    }
                    case EXTENDED_LENGTH -> {
                        remaining = (remaining << 8) | (buf.getByte(i++) & 0xff);
                        if (--lengthBytes == 0) {
                            startPayload(receivedNanos);
                        }
                    }
                    default -> { // PAYLOAD
                        int n = (int) Math.min(remaining, to - i);
                        if (opcode >= CLOSE) {
                            buf.getBytes(i, control, controlLength, n);
                            controlLength += n;
                        } else {
                            scanner.scan(buf, i, i + n);
                        }
                        i += n;
                        remaining -= n;
                        if (remaining == 0) {
                            endFrame(receivedNanos);
                        }
                    }
                }
            }
        }

        private void startPayload(long receivedNanos) {
            if (opcode >= CLOSE && (remaining > MAX_CONTROL_PAYLOAD || !fin)) {
                protocolError();
                return;
            }
            controlLength = 0;
            frame = PAYLOAD;
            if (remaining == 0) {
                endFrame(receivedNanos);
            }
        }

        private void endFrame(long receivedNanos) {
            frame = HEADER;
            switch (opcode) {
                case PING -> send(maskedFrame(alloc(), PONG, control, controlLength));
                case CLOSE -> {
                    if (controlLength >= 2) {
                        closeCode = ((control[0] & 0xff) << 8) | (control[1] & 0xff);
                        closeReason = new String(control, 2, controlLength - 2, StandardCharsets.UTF_8);
                    }
                    send(maskedFrame(alloc(), CLOSE, control, Math.min(2, controlLength)));
                    frame = DONE;
                    close();
                }
                case PONG -> {
                    // an answer to nothing we sent: ignored
                }
                default -> {
                    if (fin) {
                        message(receivedNanos);
                    }
                }
            }
        }

        /** A whole message: by its type, an event, a gap, or something else. */
        private void message(long receivedNanos) {
            scanner.end();
            if (scanner.has(RunEventScanner.TYPE)) {
                ByteText type = scanner.text(RunEventScanner.TYPE);
                if (type.is(EVENT)) {
                    event(scanner, receivedNanos);
                } else if (type.is(GAP)) {
                    gap(scanner);
                }
            }
            scanner.clear();
        }

        private void protocolError() {
            frame = DONE;
            lost(this);
        }

        @Override
        protected void ended() {
            if (PERMANENT_CLOSE_CODES.contains(closeCode)) {
                failPermanently("closed by the gateway: " + closeCode + " " + closeReason);
            } else {
                lost(this);
            }
        }
    }
}
