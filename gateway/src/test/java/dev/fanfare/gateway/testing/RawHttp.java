package dev.fanfare.gateway.testing;

import dev.fanfare.gateway.testing.GatewayHttp.Answer;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * HTTP/1.1 on a plain socket, for requests no HTTP client would send (bad encodings, pipelining,
 * smuggling attempts, slow heads): the test writes exactly the bytes it wants, then reads the
 * answers one by one, and can tell a clean end of the connection (FIN) from a reset.
 *
 * <p>Every read has a deadline ({@link #READ_TIMEOUT} unless given): a test fails, never hangs.
 * Answer bodies must be UTF-8 (an {@link AssertionError} says otherwise): every answer of the
 * gateway is JSON or text.
 */
public final class RawHttp implements AutoCloseable {

    public static final Duration READ_TIMEOUT = Duration.ofSeconds(20);

    /** How a connection ended, as the client saw it. */
    public enum Ending { EOF, RESET }

    /** The end of a connection and any bytes that came before it. */
    public record End(Ending how, byte[] before) {
    }

    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;
    private int answers;

    private RawHttp(Socket socket) throws IOException {
        this.socket = socket;
        this.in = new BufferedInputStream(socket.getInputStream(), 8192);
        this.out = socket.getOutputStream();
    }

    /** A new connection to the gateway on 127.0.0.1:{@code port}. */
    public static RawHttp connect(int port) {
        try {
            Socket s = new Socket();
            s.connect(new InetSocketAddress("127.0.0.1", port), 5000);
            return new RawHttp(s);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** One request on a new connection, and its answer. */
    public static Answer once(int port, String request) {
        return once(port, request.getBytes(StandardCharsets.UTF_8));
    }

    public static Answer once(int port, byte[] request) {
        try (RawHttp c = connect(port)) {
            return c.write(request).read();
        }
    }

    /** {@code GET pathAndQuery HTTP/1.1} with a Host header, as bytes to send. */
    public static String get(String pathAndQuery) {
        return "GET " + pathAndQuery + " HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n";
    }

    /**
     * A request with a Host header, {@code contentType} (none when null), Content-Length and
     * {@code body} as it is.
     */
    public static byte[] request(String method, String path, String contentType, byte[] body) {
        String head = method + " " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                + (contentType == null ? "" : "Content-Type: " + contentType + "\r\n")
                + "Content-Length: " + body.length + "\r\n\r\n";
        byte[] h = head.getBytes(StandardCharsets.US_ASCII);
        return ByteBuffer.allocate(h.length + body.length).put(h).put(body).array();
    }

    /** A WebSocket upgrade request for {@code pathAndQuery}. */
    public static String upgrade(String pathAndQuery) {
        return "GET " + pathAndQuery + " HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                + "Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n";
    }

    public RawHttp write(String text) {
        return write(text.getBytes(StandardCharsets.UTF_8));
    }

    /** Writes the bytes as they are, in one write; may block while the server does not read. */
    public RawHttp write(byte[] bytes) {
        try {
            out.write(bytes);
            out.flush();
            return this;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Writes the bytes from another thread, for a request the server may answer (and close) before
     * it has read it all. Completes when written, or when the connection failed (refused midway).
     */
    public CompletableFuture<Void> writeInBackground(byte[] bytes) {
        return CompletableFuture.runAsync(() -> {
            try {
                out.write(bytes);
                out.flush();
            } catch (IOException refusedMidway) {
                // the server answered and closed before taking it all
            }
        });
    }

    /** Writes {@code request} and reads the next answer. */
    public Answer exchange(String request) {
        return write(request).read();
    }

    /**
     * The next answer: status line, headers and a body of {@code Content-Length} bytes. Without a
     * length, the body is empty for 1xx, 101, 204, 304 and an event stream (left unread), and reads
     * to the end of the connection otherwise. Fails when the connection ends, or nothing complete
     * comes within {@link #READ_TIMEOUT}.
     */
    public Answer read() {
        long deadline = System.nanoTime() + READ_TIMEOUT.toNanos();
        Answer head = GatewayHttp.parse(readHead(deadline));
        int code = head.status();
        Map<String, String> headers = head.headers();
        byte[] body;
        String length = headers.get("content-length");
        if (length != null) {
            body = readBody(Integer.parseInt(length), deadline);
        } else if (code < 200 || code == 204 || code == 304 || headers.getOrDefault("content-type", "").startsWith("text/event-stream")) {
            body = new byte[0];
        } else {
            End end = readToEnd(Duration.ofNanos(Math.max(0, deadline - System.nanoTime())));
            body = end.before();
        }
        answers++;
        return new Answer(code, headers, strictUtf8(body));
    }

    /** The status line and headers, with the blank line that ends them. */
    private byte[] readHead(long deadline) {
        ByteArrayOutputStream head = new ByteArrayOutputStream(512);
        int matched = 0;
        while (matched < 4) {
            int b = readByte(deadline, head);
            head.write(b);
            matched = b == "\r\n\r\n".charAt(matched) ? matched + 1 : (b == '\r' ? 1 : 0);
        }
        return head.toByteArray();
    }

    private byte[] readBody(int length, long deadline) {
        ByteArrayOutputStream body = new ByteArrayOutputStream(length);
        while (body.size() < length) {
            body.write(readByte(deadline, body));
        }
        return body.toByteArray();
    }

    /** One byte of an answer; fails when the connection ends or the deadline passes first. */
    private int readByte(long deadline, ByteArrayOutputStream soFar) {
        try {
            while (true) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new AssertionError("no whole answer within " + READ_TIMEOUT.toSeconds() + " s after " + answers
                            + " answers; got: " + printable(soFar.toByteArray()));
                }
                socket.setSoTimeout((int) Math.max(1, left / 1_000_000));
                try {
                    int b = in.read();
                    if (b < 0) {
                        throw new AssertionError("the connection ended (EOF) after " + answers
                                + " answers, within an answer or before one: " + printable(soFar.toByteArray()));
                    }
                    return b;
                } catch (SocketTimeoutException tryAgain) {
                    // deadline checked above
                }
            }
        } catch (SocketException reset) {
            throw new AssertionError("the connection was reset (" + reset.getMessage() + ") after " + answers
                    + " answers, within an answer or before one: " + printable(soFar.toByteArray()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Reads until the connection ends (EOF or reset) and returns how, with the bytes received before;
     * fails when it is still open after {@code atMost}.
     */
    public End readToEnd(Duration atMost) {
        long deadline = System.nanoTime() + atMost.toNanos();
        ByteArrayOutputStream before = new ByteArrayOutputStream();
        byte[] buf = new byte[8192];
        try {
            while (true) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new AssertionError("the connection is still open after " + atMost.toSeconds() + " s; got: "
                            + printable(before.toByteArray()));
                }
                socket.setSoTimeout((int) Math.max(1, left / 1_000_000));
                try {
                    int n = in.read(buf);
                    if (n < 0) {
                        return new End(Ending.EOF, before.toByteArray());
                    }
                    before.write(buf, 0, n);
                } catch (SocketTimeoutException tryAgain) {
                    // deadline checked above
                }
            }
        } catch (SocketException reset) {
            return new End(Ending.RESET, before.toByteArray());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Waits for the connection to end with nothing more from the server (no further answer). */
    public Ending awaitEnd(Duration atMost) {
        End end = readToEnd(atMost);
        if (end.before().length > 0) {
            throw new AssertionError("after " + answers + " answers, more bytes before the end (" + end.how() + "): "
                    + printable(end.before()));
        }
        return end.how();
    }

    private static String strictUtf8(byte[] body) {
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(body)).toString();
        } catch (CharacterCodingException e) {
            throw new AssertionError("an answer body that is not UTF-8: " + HexFormat.of().formatHex(body));
        }
    }

    private static String printable(byte[] bytes) {
        String text = new String(bytes, StandardCharsets.ISO_8859_1);
        return text.length() > 2000 ? text.substring(0, 2000) + "..." : text;
    }

    @Override
    public void close() {
        try {
            socket.close();
        } catch (IOException ignored) {
            // closing anyway
        }
    }
}
