package dev.fanfare.client.network;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A real nginx (Debian's binary) in front of the gateway, on a free loopback port, in one of the ways proxies
 * in the wild treat push traffic ({@link Mode}). Its configuration and logs live in a temporary directory,
 * removed on {@link #close}.
 */
public final class NginxProxy implements AutoCloseable {

    /** How the proxy treats the gateway's answers. */
    public enum Mode {
        /** {@code proxy_buffering on}, as nginx ships, honouring {@code X-Accel-Buffering: no}; upgrades pass. */
        BUFFERING_HONOURS_HEADER("nginx"),
        /** Buffering on and the header ignored, as a proxy that does not know it: streams stall. */
        BUFFERING("nginx-buffering"),
        /** No {@code Upgrade}/{@code Connection} passed upstream: WebSocket upgrades are refused. */
        NO_UPGRADE("nginx-no-upgrade");

        private final String cliName;

        Mode(String cliName) {
            this.cliName = cliName;
        }

        public String cliName() {
            return cliName;
        }

        public static Mode fromCliName(String name) {
            for (Mode m : values()) {
                if (m.cliName.equals(name)) {
                    return m;
                }
            }
            throw new IllegalArgumentException("proxy: " + name + " (expected: none, nginx, nginx-buffering or nginx-no-upgrade)");
        }

        /** What it does, for reports. */
        public String describe() {
            return switch (this) {
                case BUFFERING_HONOURS_HEADER -> "nginx, proxy_buffering on, honouring X-Accel-Buffering: no";
                case BUFFERING -> "nginx, proxy_buffering on, X-Accel-Buffering ignored (streams are buffered)";
                case NO_UPGRADE -> "nginx without Upgrade headers (WebSocket upgrades refused)";
            };
        }
    }

    private static final List<Path> BINARIES = List.of(Path.of("/usr/sbin/nginx"), Path.of("/usr/bin/nginx"));
    private static final long START_TIMEOUT_MILLIS = 10_000;

    private final Process process;
    private final Path dir;
    private final int port;

    private NginxProxy(Process process, Path dir, int port) {
        this.process = process;
        this.dir = dir;
        this.port = port;
    }

    /** Starts nginx forwarding to {@code gateway}; returns once it accepts connections. */
    public static NginxProxy start(InetSocketAddress gateway, Mode mode) throws IOException, InterruptedException {
        Path binary = BINARIES.stream().filter(Files::isExecutable).findFirst().orElseThrow(() -> new IOException(
                "nginx is not installed (Debian: apt-get install nginx; ./fanfare test installs it)"));
        Path dir = Files.createTempDirectory("fanfare-nginx-");
        int port = freePort();
        Files.writeString(dir.resolve("nginx.conf"), config(dir, gateway, port, mode), StandardCharsets.UTF_8);
        Process process = new ProcessBuilder(binary.toString(), "-p", dir.toString(), "-c", dir.resolve("nginx.conf").toString(),
                "-e", dir.resolve("error.log").toString(), "-g", "daemon off;")
                .redirectErrorStream(true).redirectOutput(dir.resolve("stdout.log").toFile()).start();
        NginxProxy proxy = new NginxProxy(process, dir, port);
        try {
            proxy.awaitListening();
        } catch (IOException | InterruptedException | RuntimeException e) {
            proxy.close();
            throw e;
        }
        return proxy;
    }

    static String config(Path dir, InetSocketAddress gateway, int port, Mode mode) {
        String upgrade = mode == Mode.NO_UPGRADE
                ? "      proxy_set_header Connection \"\";\n"
                : "      proxy_set_header Upgrade $http_upgrade;\n      proxy_set_header Connection $connection_upgrade;\n";
        String buffering = mode == Mode.BUFFERING ? "      proxy_ignore_headers X-Accel-Buffering;\n" : "";
        // As root, the workers would run as nobody and could not use the temporary directory.
        String user = "root".equals(System.getProperty("user.name")) ? "user root;\n" : "";
        return user
                + "worker_processes 1;\n"
                + "pid " + dir.resolve("nginx.pid") + ";\n"
                + "error_log " + dir.resolve("error.log") + " warn;\n"
                + "events { worker_connections 4096; }\n"
                + "http {\n"
                + "  access_log off;\n"
                + "  client_body_temp_path " + dir.resolve("body") + ";\n"
                + "  proxy_temp_path " + dir.resolve("proxy") + ";\n"
                + "  fastcgi_temp_path " + dir.resolve("fastcgi") + ";\n"
                + "  uwsgi_temp_path " + dir.resolve("uwsgi") + ";\n"
                + "  scgi_temp_path " + dir.resolve("scgi") + ";\n"
                + "  map $http_upgrade $connection_upgrade { default upgrade; '' ''; }\n"
                + "  upstream gateway { server " + gateway.getAddress().getHostAddress() + ":" + gateway.getPort()
                + "; keepalive 64; }\n"
                + "  server {\n"
                + "    listen 127.0.0.1:" + port + ";\n"
                + "    location / {\n"
                + "      proxy_pass http://gateway;\n"
                + "      proxy_http_version 1.1;\n"
                + "      proxy_set_header Host $http_host;\n"
                + "      proxy_buffering on;\n"
                + "      proxy_read_timeout 300s;\n"
                + "      proxy_send_timeout 300s;\n"
                + upgrade
                + buffering
                + "    }\n"
                + "  }\n"
                + "}\n";
    }

    private static int freePort() throws IOException {
        try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return probe.getLocalPort();
        }
    }

    private void awaitListening() throws IOException, InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(START_TIMEOUT_MILLIS);
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IOException("nginx exited with " + process.exitValue() + ": " + log());
            }
            try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
                return;
            } catch (IOException notYet) {
                Thread.sleep(20); // a process starting: nothing to wait on but its port
            }
        }
        throw new IOException("nginx did not listen on " + port + " within " + START_TIMEOUT_MILLIS + " ms: " + log());
    }

    private String log() {
        try {
            return Files.readString(dir.resolve("error.log")) + Files.readString(dir.resolve("stdout.log"));
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    public int port() {
        return port;
    }

    /** {@code http://127.0.0.1:<port>}. */
    public String url() {
        return "http://127.0.0.1:" + port;
    }

    @Override
    public void close() {
        process.destroy(); // SIGTERM: nginx's fast shutdown
        try {
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
