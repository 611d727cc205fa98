package dev.fanfare.gateway;

import dev.fanfare.gateway.config.GatewayConfig;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The training run of the launcher's class-data-sharing archive ({@code ./fanfare cds-archive}, after each
 * build): under {@code -XX:ArchiveClassesAtExit} it starts a node as {@code ./fanfare run} does (embedded
 * broker, in a temporary directory, on a free loopback port), serves one SSE stream, one WebSocket and one
 * long poll a published event, answers a short poll, a health check and a scrape, then stops, so that the
 * archive holds the classes a node loads to start and to serve each style. A node started with the archive
 * loads them from it instead of from the jars.
 */
public final class CdsTraining {

    private static final String CHANNEL = "demo/cds-training";
    private static final String MARK = "cds-training";
    private static final String BODY = "{\"m\":\"" + MARK + "\"}";
    private static final long DEADLINE_SECONDS = 60;

    private CdsTraining() {
    }

    public static void main(String[] args) {
        int code = 1;
        try {
            Path data = Files.createTempDirectory("fanfare-cds-");
            try (GatewayServer server = GatewayServer.start(GatewayConfig.defaults()
                    .withServer(s -> s.withHost("127.0.0.1").withPort(0))
                    .withKafka(k -> k.withDataDir(data))
                    .withDemoFeed(false))) {
                code = train(server.port()) ? 0 : 1;
            } finally {
                try (Stream<Path> files = Files.walk(data)) {
                    files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
                }
            }
        } catch (Throwable t) {
            // Whatever went wrong, exit (as Main does): threads a failed start left behind must not hold the JVM.
            t.printStackTrace();
        }
        System.exit(code); // the archive is written as the JVM exits
    }

    /** Each style's subscriber reads a published event; true when all did before the deadline. */
    private static boolean train(int port) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(DEADLINE_SECONDS);
        List<Reader> readers = List.of(
                new Reader(port, "GET /sse?channel=" + CHANNEL + " HTTP/1.1\r\nHost: localhost\r\n\r\n"),
                new Reader(port, "GET /ws?channel=" + CHANNEL + " HTTP/1.1\r\nHost: localhost\r\nUpgrade: websocket\r\n"
                        + "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n"),
                new Reader(port, "GET /longpoll?channel=" + CHANNEL + "&timeout=30 HTTP/1.1\r\nHost: localhost\r\n\r\n"));
        try {
            // Published until every subscriber has read one: a stream sees only what comes after it subscribed.
            while (!readers.stream().allMatch(Reader::sawMark) && System.nanoTime() < deadline) {
                exchange(port, "POST /publish/" + CHANNEL + " HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
                        + "Content-Length: " + BODY.length() + "\r\nConnection: close\r\n\r\n" + BODY);
                Thread.sleep(100);
            }
            exchange(port, "GET /poll?channel=" + CHANNEL + " HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n");
            exchange(port, "GET /health HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n");
            exchange(port, "GET /metrics HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n");
            return readers.stream().allMatch(Reader::sawMark);
        } finally {
            for (Reader r : readers) {
                r.close();
            }
        }
    }

    /** Sends one request and reads until the server closes. */
    private static void exchange(int port, String request) throws IOException {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
            s.setSoTimeout(10_000);
            s.getOutputStream().write(request.getBytes(StandardCharsets.US_ASCII));
            s.getInputStream().readAllBytes();
        }
    }

    /** A subscriber's connection, read on a thread of its own until the mark arrives. */
    private static final class Reader implements AutoCloseable {
        private final Socket socket;
        private volatile boolean sawMark;

        Reader(int port, String request) throws IOException {
            socket = new Socket();
            socket.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
            OutputStream out = socket.getOutputStream();
            out.write(request.getBytes(StandardCharsets.US_ASCII));
            out.flush();
            Thread thread = new Thread(this::read, "cds-training-reader");
            thread.setDaemon(true);
            thread.start();
        }

        private void read() {
            StringBuilder seen = new StringBuilder();
            byte[] buf = new byte[8192];
            try {
                InputStream in = socket.getInputStream();
                for (int n; !sawMark && (n = in.read(buf)) > 0; ) {
                    seen.append(new String(buf, 0, n, StandardCharsets.ISO_8859_1));
                    sawMark = seen.indexOf(MARK) >= 0;
                }
            } catch (IOException closed) {
                // closed by close(), or by the server
            }
        }

        boolean sawMark() {
            return sawMark;
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }
}
