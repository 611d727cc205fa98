package dev.fanfare.gateway.testing;

import static org.awaitility.Awaitility.await;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.exceptions.JedisException;
import redis.clients.jedis.params.ShutdownParams;

/**
 * A private, real {@code redis-server} process for tests: its own free port on loopback, its own temporary
 * directory, no persistence of its own ({@code --save "" --appendonly no}); killed at JVM exit.
 *
 * <p>{@link #stop()} shuts it down the way a Redis with persistence restarts cleanly ({@code SHUTDOWN SAVE}
 * writes {@code dump.rdb} into its directory), so {@link #restart()} on the same port comes back with the
 * same data. {@link #crash()} kills it and deletes that file: the next start is an empty Redis, as after a
 * crash without persistence.
 *
 * <p>The binary is {@code redis-server} from {@code PATH} (Debian's package), or the one named by the system
 * property {@code fanfare.redis.server}.
 */
public final class TestRedis implements AutoCloseable {

    private static final Duration START_TIMEOUT = Duration.ofSeconds(20);

    private final Path directory;
    private final int port;
    private Process process;

    private TestRedis(Path directory, int port) {
        this.directory = directory;
        this.port = port;
    }

    /** Starts a new server on a free port and waits until it answers. */
    public static TestRedis start() {
        try {
            Path directory = Files.createTempDirectory("fanfare-redis-");
            TestRedis redis = new TestRedis(directory, freePort());
            Runtime.getRuntime().addShutdownHook(new Thread(redis::destroy, "test-redis-killer"));
            redis.launch();
            return redis;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start redis-server", e);
        }
    }

    /** {@code redis://127.0.0.1:<port>}. */
    public URI uri() {
        return URI.create("redis://127.0.0.1:" + port);
    }

    public int port() {
        return port;
    }

    /** A new connection to this server; close it after use. */
    public Jedis connect() {
        return new Jedis("127.0.0.1", port);
    }

    /** Deletes every key. */
    public void flushAll() {
        try (Jedis jedis = connect()) {
            jedis.flushAll();
        }
    }

    /** Stops the server, keeping its data for {@link #restart()}. */
    public synchronized void stop() {
        if (process == null) {
            return;
        }
        try (Jedis jedis = connect()) {
            jedis.shutdown(ShutdownParams.shutdownParams().save());
        } catch (JedisException expected) {
            // The server closes the connection while shutting down.
        }
        await().atMost(START_TIMEOUT).until(() -> !process.isAlive());
        process = null;
    }

    /** Kills the server without saving and forgets its data: the next start is empty. */
    public synchronized void crash() {
        destroy();
        try {
            Files.deleteIfExists(directory.resolve("dump.rdb"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Starts the server again on the same port (after {@link #stop()} or {@link #crash()}). */
    public synchronized void restart() {
        if (process != null) {
            throw new IllegalStateException("redis-server on port " + port + " is running");
        }
        launch();
    }

    @Override
    public void close() {
        destroy();
        try (Stream<Path> files = Files.walk(directory)) {
            files.sorted(Comparator.reverseOrder()).map(Path::toFile).forEach(File::delete);
        } catch (IOException e) {
            // A leftover temp directory is harmless.
        }
    }

    private synchronized void launch() {
        List<String> command = List.of(binary(), "--port", Integer.toString(port), "--bind", "127.0.0.1",
                "--dir", directory.toString(), "--save", "", "--appendonly", "no", "--protected-mode", "no",
                "--daemonize", "no");
        try {
            process = new ProcessBuilder(command)
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(directory.resolve("redis.log").toFile()))
                    .start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run " + command.get(0)
                    + " (install Debian's redis-server package: apt-get install -y redis-server)", e);
        }
        Process started = process;
        await().atMost(START_TIMEOUT).ignoreExceptions().until(() -> !started.isAlive() || answers());
        if (!started.isAlive()) {
            process = null;
            throw new IllegalStateException("redis-server on port " + port + " exited with " + started.exitValue()
                    + "; see " + directory.resolve("redis.log"));
        }
    }

    private boolean answers() {
        try (Jedis jedis = connect()) {
            return "PONG".equals(jedis.ping());
        }
    }

    private synchronized void destroy() {
        if (process != null) {
            process.destroyForcibly();
            try {
                process.waitFor();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            process = null;
        }
    }

    private static String binary() {
        return System.getProperty("fanfare.redis.server", "redis-server");
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            socket.setReuseAddress(true);
            return socket.getLocalPort();
        }
    }
}
