package dev.fanfare.gateway.kafka;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.lang.reflect.Field;
import java.net.BindException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;

import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.network.ListenerName;
import org.apache.kafka.common.utils.Exit;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.metadata.storage.Formatter;
import org.apache.kafka.server.common.MetadataVersion;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import kafka.server.BrokerServer;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;

/**
 * A real single-node Kafka broker (KRaft, broker and controller in one) running inside this JVM,
 * with its data in one directory that survives restarts.
 *
 * <p>It serves the gateway's embedded default and the tests alike. It listens on 127.0.0.1 only.
 * A file lock keeps a second instance (in this or another process) off the same directory, and
 * Kafka's exit/halt calls are turned into log lines so the broker can never end the host JVM.
 *
 * <pre>{@code
 * try (EmbeddedKafkaBroker kafka = EmbeddedKafkaBroker.start(Path.of(".fanfare/kafka"), 0)) {
 *     String bootstrap = kafka.bootstrapServers();   // "127.0.0.1:<port>"
 * }
 * }</pre>
 */
public final class EmbeddedKafkaBroker implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(EmbeddedKafkaBroker.class);

    private static final int NODE_ID = 1;
    private static final String HOST = "127.0.0.1";
    private static final String BROKER_LISTENER = "PLAINTEXT";
    private static final String CONTROLLER_LISTENER = "CONTROLLER";
    private static final String LOCK_FILE = "broker.lock";
    private static final String LOG_DIR = "kraft";
    /** A free controller port can be taken by someone else before the broker binds it; try again. */
    private static final int START_ATTEMPTS = 3;

    private static final AtomicBoolean exitProceduresReplaced = new AtomicBoolean();

    private final KafkaRaftServer server;
    private final DirectoryLock lock;
    private final Path dataDir;
    private final String bootstrapServers;
    private final AtomicBoolean closed = new AtomicBoolean();

    private EmbeddedKafkaBroker(KafkaRaftServer server, DirectoryLock lock, Path dataDir, int port) {
        this.server = server;
        this.lock = lock;
        this.dataDir = dataDir;
        this.bootstrapServers = HOST + ":" + port;
    }

    /**
     * Starts a broker on {@code dataDir} (created and formatted on first use) and returns once it
     * accepts clients.
     *
     * @param dataDir the broker's own directory; no other broker may use it at the same time
     * @param port    the client port on 127.0.0.1, or 0 for any free port (see {@link #bootstrapServers()})
     * @throws IllegalStateException if another broker holds {@code dataDir} or the broker fails to start
     */
    public static EmbeddedKafkaBroker start(Path dataDir, int port) {
        return start(dataDir, port, Map.of());
    }

    /**
     * Like {@link #start(Path, int)}, with broker settings that override the defaults (for
     * example {@code log.retention.bytes}).
     */
    public static EmbeddedKafkaBroker start(Path dataDir, int port, Map<String, String> overrides) {
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port: " + port + " (expected: 0-65535)");
        }
        replaceExitProcedures();
        Path dir = dataDir.toAbsolutePath().normalize();
        DirectoryLock lock = DirectoryLock.acquire(dir);
        try {
            Path logDir = dir.resolve(LOG_DIR);
            for (int attempt = 1; ; attempt++) {
                int controllerPort = freePort();
                KafkaConfig config = new KafkaConfig(settings(logDir, port, controllerPort, overrides));
                formatIfNew(logDir);
                KafkaRaftServer server = new KafkaRaftServer(config, Time.SYSTEM);
                try {
                    server.startup();
                } catch (RuntimeException e) {
                    shutDownQuietly(server);
                    if (attempt < START_ATTEMPTS && causedByBindFailure(e) && (port == 0 || isFree(port))) {
                        log.warn("Kafka controller port {} was taken meanwhile; retrying with another", controllerPort);
                        continue;
                    }
                    throw new IllegalStateException("Kafka broker failed to start on " + dir + ": " + e.getMessage(), e);
                }
                int boundPort = port != 0 ? port : boundBrokerPort(server);
                log.info("Kafka broker ready on {}:{} (data in {})", HOST, boundPort, dir);
                return new EmbeddedKafkaBroker(server, lock, dir, boundPort);
            }
        } catch (RuntimeException | Error e) {
            lock.release();
            throw e;
        }
    }

    /** {@code host:port} for the {@code bootstrap.servers} setting of clients. */
    public String bootstrapServers() {
        return bootstrapServers;
    }

    /** The directory this broker owns. */
    public Path dataDir() {
        return dataDir;
    }

    /** Stops the broker, waits until it has stopped, and frees the directory. Idempotent. */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        try {
            server.shutdown();
            server.awaitShutdown();
            log.info("Kafka broker on {} stopped", bootstrapServers);
        } finally {
            lock.release();
        }
    }

    private static Map<String, String> settings(Path logDir, int port, int controllerPort, Map<String, String> overrides) {
        Map<String, String> settings = new HashMap<>();
        settings.put("process.roles", "broker,controller");
        settings.put("node.id", Integer.toString(NODE_ID));
        settings.put("controller.listener.names", CONTROLLER_LISTENER);
        settings.put("controller.quorum.voters", NODE_ID + "@" + HOST + ":" + controllerPort);
        settings.put("listeners", BROKER_LISTENER + "://" + HOST + ":" + port + ","
                + CONTROLLER_LISTENER + "://" + HOST + ":" + controllerPort);
        settings.put("inter.broker.listener.name", BROKER_LISTENER);
        settings.put("listener.security.protocol.map", BROKER_LISTENER + ":PLAINTEXT," + CONTROLLER_LISTENER + ":PLAINTEXT");
        settings.put("log.dirs", logDir.toString());
        // One node: every internal topic must live with a single replica, or groups and
        // transactions silently never become available.
        settings.put("offsets.topic.replication.factor", "1");
        settings.put("offsets.topic.num.partitions", "1");
        settings.put("transaction.state.log.replication.factor", "1");
        settings.put("transaction.state.log.min.isr", "1");
        settings.put("share.coordinator.state.topic.replication.factor", "1");
        settings.put("share.coordinator.state.topic.min.isr", "1");
        settings.put("group.initial.rebalance.delay.ms", "0");
        // The cleaner's default 128 MB dedupe buffer alone would outgrow a small heap.
        settings.put("log.cleaner.dedupe.buffer.size", "2097152");
        // Topics are created on purpose (TopicAdmin), with the partition count the gateway wants.
        settings.put("auto.create.topics.enable", "false");
        settings.putAll(overrides);
        return settings;
    }

    /** Formats the log directory unless it already is; re-formatting would give it a new cluster id. */
    private static void formatIfNew(Path logDir) {
        if (Files.exists(logDir.resolve("meta.properties"))) {
            return;
        }
        try {
            Files.createDirectories(logDir);
            new Formatter()
                    .setPrintStream(new PrintStream(OutputStream.nullOutputStream()))
                    .setNodeId(NODE_ID)
                    .setClusterId(Uuid.randomUuid().toString())
                    .setDirectories(List.of(logDir.toString()))
                    .setMetadataLogDirectory(Optional.of(logDir.toString()))
                    .setControllerListenerName(CONTROLLER_LISTENER)
                    .setReleaseVersion(MetadataVersion.LATEST_PRODUCTION)
                    .run();
        } catch (Exception e) {
            throw new IllegalStateException("Cannot format Kafka log directory " + logDir + ": " + e.getMessage(), e);
        }
    }

    /**
     * The port the broker listener actually bound. {@code KafkaRaftServer} keeps its broker
     * private, so it is read reflectively; the socket server then answers for the listener.
     */
    private static int boundBrokerPort(KafkaRaftServer server) {
        try {
            Field field = KafkaRaftServer.class.getDeclaredField("broker");
            field.setAccessible(true);
            Object option = field.get(server); // scala.Option<BrokerServer>
            BrokerServer broker = (BrokerServer) option.getClass().getMethod("get").invoke(option);
            return broker.socketServer().boundPort(ListenerName.normalised(BROKER_LISTENER));
        } catch (ReflectiveOperationException | RuntimeException e) {
            shutDownQuietly(server);
            throw new IllegalStateException("Kafka broker started but its port cannot be read; start it on a fixed port", e);
        }
    }

    private static boolean isFree(int port) {
        try (ServerSocket socket = new ServerSocket(port, 1, InetAddress.getByName(HOST))) {
            return socket.isBound();
        } catch (IOException e) {
            return false;
        }
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName(HOST))) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("No free port on " + HOST, e);
        }
    }

    private static boolean causedByBindFailure(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof BindException) {
                return true;
            }
        }
        return false;
    }

    /** A failed startup leaves non-daemon threads behind; only shutdown() ends them. */
    private static void shutDownQuietly(KafkaRaftServer server) {
        try {
            server.shutdown();
        } catch (RuntimeException e) {
            log.warn("Kafka broker shutdown after failed startup: {}", e.toString());
        }
    }

    /**
     * Kafka calls {@code Exit.halt} on fatal errors (a full disk, an out-of-memory in the log
     * cleaner). In-process that would end the whole gateway or test JVM, so log it instead.
     */
    private static void replaceExitProcedures() {
        if (!exitProceduresReplaced.compareAndSet(false, true)) {
            return;
        }
        Exit.setExitProcedure((status, message) ->
                log.error("Kafka broker asked to exit the JVM (status {}): {}; the JVM keeps running", status, message));
        Exit.setHaltProcedure((status, message) ->
                log.error("Kafka broker asked to halt the JVM (status {}): {}; the JVM keeps running", status, message));
    }

    /** An exclusive lock on a file in the data directory, held while a broker runs there. */
    private static final class DirectoryLock {
        private final Path dir;
        private final FileChannel channel;
        private final FileLock lock;

        private DirectoryLock(Path dir, FileChannel channel, FileLock lock) {
            this.dir = dir;
            this.channel = channel;
            this.lock = lock;
        }

        static DirectoryLock acquire(Path dir) {
            FileChannel channel = null;
            try {
                Files.createDirectories(dir);
                channel = FileChannel.open(dir.resolve(LOCK_FILE), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
                FileLock lock = channel.tryLock();
                if (lock == null) {
                    throw inUse(dir);
                }
                return new DirectoryLock(dir, channel, lock);
            } catch (OverlappingFileLockException e) {
                closeQuietly(channel);
                throw inUse(dir);
            } catch (IOException e) {
                closeQuietly(channel);
                throw new UncheckedIOException("Cannot lock Kafka data directory " + dir, e);
            } catch (RuntimeException e) {
                closeQuietly(channel);
                throw e;
            }
        }

        void release() {
            try {
                lock.release();
            } catch (IOException e) {
                log.warn("Cannot unlock Kafka data directory {}: {}", dir, e.toString());
            } finally {
                closeQuietly(channel);
            }
        }

        private static IllegalStateException inUse(Path dir) {
            return new IllegalStateException("Kafka data directory " + dir + " is in use by another broker");
        }

        private static void closeQuietly(FileChannel channel) {
            if (channel == null) {
                return;
            }
            try {
                channel.close();
            } catch (IOException e) {
                log.warn("Cannot close lock file: {}", e.toString());
            }
        }
    }
}
