package dev.fanfare.gateway.cluster;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.fanfare.gateway.KafkaCommand;
import dev.fanfare.gateway.Main;
import dev.fanfare.gateway.core.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Several gateway nodes on one machine, as on real hosts: a Kafka broker process, Debian's
 * {@code redis-server}, N nodes (each with {@code --kafka} and {@code --redis}, on its own port) and
 * Debian's nginx in front of them with the shipped {@code deploy/nginx/fanfare.conf}. What
 * {@code ./fanfare cluster} runs, and what the cluster tests kill, stop and restart piece by piece.
 *
 * <p>Every port is chosen once, at start, so a process started again comes back where it was.
 * A process that dies is reported to {@link Options#onUnexpectedExit}, never replaced.
 */
public final class Cluster implements AutoCloseable {

    private static final String HOST = "127.0.0.1";
    private static final Duration START_TIMEOUT = Duration.ofSeconds(120);
    private static final Duration STOP_GRACE = Duration.ofSeconds(30);
    private static final Pattern NODE_READY = Pattern.compile("Demo page: +http://localhost:(\\d+)/");
    private static final Path SETSID = Path.of("/usr/bin/setsid");
    private static final List<Path> NGINX = List.of(Path.of("/usr/sbin/nginx"), Path.of("/usr/bin/nginx"));

    /**
     * How to run it.
     *
     * @param nodes            gateway nodes, at least 1
     * @param port             nginx's port on 127.0.0.1 (0: a free one)
     * @param dataDir          everything the cluster writes: each process's data and log, {@code cluster.json}
     * @param nginxConf        the shipped http-context configuration ({@code deploy/nginx/fanfare.conf})
     * @param javaOptions      JVM options of the broker and the nodes
     * @param nodeArgs         more options for every node ({@code --partitions 8}, ...)
     * @param demoFeed         run the demo feed on the first node (on one node only: it would count twice)
     * @param onUnexpectedExit told when a process exits without being asked to
     * @param classpath        of the broker and the nodes (the packaged gateway: its jar and {@code lib/*})
     */
    public record Options(int nodes, int port, Path dataDir, Path nginxConf, List<String> javaOptions,
                          List<String> nodeArgs, boolean demoFeed, Consumer<String> onUnexpectedExit, String classpath) {
        public Options {
            if (nodes < 1) {
                throw new IllegalArgumentException("nodes: " + nodes + " (expected: >= 1)");
            }
            if (port < 0 || port > 65535) {
                throw new IllegalArgumentException("port: " + port + " (expected: 0-65535)");
            }
            javaOptions = List.copyOf(javaOptions);
            nodeArgs = List.copyOf(nodeArgs);
        }
    }

    /** One gateway node of the cluster. */
    public final class Node {
        private final String name;
        private final int port;
        private final ManagedProcess process;

        private Node(String name, int port, ManagedProcess process) {
            this.name = name;
            this.port = port;
            this.process = process;
        }

        public String name() {
            return name;
        }

        public int port() {
            return port;
        }

        /** {@code http://127.0.0.1:<port>}: the node itself, not through nginx. */
        public String url() {
            return "http://" + HOST + ":" + port;
        }

        public long pid() {
            return process.pid();
        }

        public boolean alive() {
            return process.alive();
        }

        public Path log() {
            return process.log();
        }

        /** {@code kill -9}: the node dies at once, its clients' connections reset. */
        public void kill() throws InterruptedException {
            process.kill();
        }

        /** SIGTERM: the node drains (clients told to go elsewhere) and exits; true when it did so in time. */
        public boolean stop() throws InterruptedException {
            return process.stop(STOP_GRACE);
        }

        /** Starts it again on its port and directory; returns once it serves. */
        public void start() throws InterruptedException {
            process.start(START_TIMEOUT);
            writeDescription();
        }
    }

    /** A process of the cluster other than a node (the broker, Redis, nginx). */
    public final class Service {
        private final ManagedProcess process;
        private final String address;
        private final Runnable awaitReady;

        private Service(ManagedProcess process, String address, Runnable awaitReady) {
            this.process = process;
            this.address = address;
            this.awaitReady = awaitReady;
        }

        /** {@code host:port} (Redis: {@code redis://host:port}). */
        public String address() {
            return address;
        }

        public long pid() {
            return process.pid();
        }

        public boolean alive() {
            return process.alive();
        }

        /** SIGTERM and wait (its data stays for {@link #start()}). */
        public void stop() throws InterruptedException {
            process.stop(STOP_GRACE);
        }

        /** Starts it again on the same port and data; returns once it serves. */
        public void start() throws InterruptedException {
            process.start(START_TIMEOUT);
            awaitReady.run();
        }
    }

    private final Options options;
    private final Path dataDir;
    private final List<Node> nodes = new ArrayList<>();
    private Service kafka;
    private Service redis;
    private Service nginx;
    private int nginxPort;
    private volatile boolean closing;

    private Cluster(Options options) {
        this.options = options;
        this.dataDir = options.dataDir().toAbsolutePath().normalize();
    }

    /** Starts everything (broker and Redis, the first node, the other nodes, nginx); on failure stops what started. */
    public static Cluster start(Options options) throws InterruptedException {
        Cluster c = new Cluster(options);
        try {
            c.startAll();
            return c;
        } catch (RuntimeException | InterruptedException e) {
            c.close();
            throw e;
        }
    }

    private void startAll() throws InterruptedException {
        try {
            Files.createDirectories(dataDir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        int kafkaPort = freePort();
        int redisPort = freePort();
        kafka = new Service(process("kafka", javaCommand(KafkaCommand.class, List.of("--port", Integer.toString(kafkaPort),
                "--data-dir", dataDir.resolve("kafka").toString())), line -> line.startsWith(KafkaCommand.READY) ? line : null),
                HOST + ":" + kafkaPort, () -> { });
        Path redisDir = dataDir.resolve("redis");
        mkdirs(redisDir);
        redis = new Service(process("redis", List.of("redis-server", "--port", Integer.toString(redisPort), "--bind", HOST,
                "--dir", redisDir.toString(), "--appendonly", "yes", "--save", "", "--protected-mode", "no",
                "--daemonize", "no"), line -> line.contains("Ready to accept connections") ? line : null),
                "redis://" + HOST + ":" + redisPort, () -> { });
        all(List.of(kafka::start, redis::start));

        List<Integer> ports = new ArrayList<>();
        for (int i = 1; i <= options.nodes(); i++) {
            int port = freePort();
            ports.add(port);
            String name = "node-" + i;
            List<String> args = new ArrayList<>(List.of("--host", HOST, "--port", Integer.toString(port),
                    "--kafka", kafka.address(), "--redis", redis.address(), "--data-dir", dataDir.resolve(name).toString(),
                    "--trusted-proxies", HOST + "/32"));
            if (i == 1) {
                args.add("--create-topics"); // the first node makes the topics, before the others start
            }
            if (i != 1 || !options.demoFeed()) {
                args.add("--no-demo-feed");
            }
            args.addAll(options.nodeArgs());
            nodes.add(new Node(name, port, process(name, javaCommand(Main.class, args), line -> {
                Matcher m = NODE_READY.matcher(line);
                return m.find() ? m.group(1) : null;
            })));
        }
        nodes.get(0).start();
        all(nodes.subList(1, nodes.size()).stream().<Step>map(n -> n::start).toList());

        nginxPort = options.port() == 0 ? freePort() : options.port();
        Path nginxDir = dataDir.resolve("nginx");
        mkdirs(nginxDir);
        String shipped;
        try {
            shipped = Files.readString(options.nginxConf(), StandardCharsets.UTF_8);
            String site = NginxConfig.site(shipped, ports.stream().map(p -> new InetSocketAddress(HOST, p)).toList(), nginxPort);
            Files.writeString(nginxDir.resolve("nginx.conf"), NginxConfig.main(nginxDir, site), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + options.nginxConf(), e);
        }
        Path binary = NGINX.stream().filter(Files::isExecutable).findFirst().orElseThrow(() -> new IllegalStateException(
                "nginx is not installed (Debian: apt-get install nginx; ./fanfare test installs it)"));
        int port = nginxPort;
        nginx = new Service(process("nginx", List.of(binary.toString(), "-p", nginxDir.toString(), "-c",
                nginxDir.resolve("nginx.conf").toString(), "-e", nginxDir.resolve("error.log").toString(), "-g", "daemon off;"), null),
                HOST + ":" + port, () -> awaitListening("nginx", port));
        nginx.start();
        writeDescription();
    }

    private ManagedProcess process(String name, List<String> command, ManagedProcess.Readiness readiness) {
        List<String> detached = new ArrayList<>();
        if (Files.isExecutable(SETSID)) {
            // A process group of its own: Ctrl-C in the terminal reaches the cluster, which stops each in order.
            detached.add(SETSID.toString());
        }
        detached.addAll(command);
        return new ManagedProcess(name, detached, dataDir.resolve(name + ".log"), readiness, p -> {
            if (!closing) {
                options.onUnexpectedExit().accept(p.name() + " (pid " + p.pid() + ") exited with code " + p.exitCode() + "; it is not restarted (log: "
                        + p.log() + ")");
            }
        });
    }

    private List<String> javaCommand(Class<?> main, List<String> args) {
        List<String> command = new ArrayList<>();
        command.add(ProcessHandle.current().info().command().orElse("java"));
        command.addAll(options.javaOptions());
        command.addAll(List.of("-cp", options.classpath(), main.getName()));
        command.addAll(args);
        return command;
    }

    private interface Step {
        void run() throws InterruptedException;
    }

    /** Runs the steps at once (processes start in parallel) and waits for all; the first failure is thrown. */
    private static void all(List<Step> steps) throws InterruptedException {
        List<CompletableFuture<Void>> running = steps.stream().map(s -> CompletableFuture.runAsync(() -> {
            try {
                s.run();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new CompletionException(e);
            }
        })).toList();
        try {
            CompletableFuture.allOf(running.toArray(CompletableFuture[]::new)).join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            throw new IllegalStateException(e.getCause());
        }
    }

    private synchronized void writeDescription() {
        if (nginx == null) {
            return; // still starting: written once everything runs
        }
        ObjectNode json = Json.MAPPER.createObjectNode();
        json.put("url", url());
        json.put("kafka", kafka.address());
        json.put("redis", redis.address());
        json.putObject("nginx").put("pid", nginx.pid()).put("port", nginxPort);
        ArrayNode list = json.putArray("nodes");
        for (Node n : nodes) {
            list.addObject().put("name", n.name()).put("pid", n.pid()).put("port", n.port()).put("url", n.url());
        }
        try {
            Path file = dataDir.resolve("cluster.json");
            Path tmp = dataDir.resolve("cluster.json.tmp");
            Files.writeString(tmp, Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(json) + "\n");
            Files.move(tmp, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** {@code http://127.0.0.1:<port>}: nginx, the cluster's one address. */
    public String url() {
        return "http://" + HOST + ":" + nginxPort;
    }

    public List<Node> nodes() {
        return List.copyOf(nodes);
    }

    public Service kafka() {
        return kafka;
    }

    public Service redis() {
        return redis;
    }

    public Service nginx() {
        return nginx;
    }

    /** Where {@code cluster.json} and every log are. */
    public Path dataDir() {
        return dataDir;
    }

    /** Stops everything it started: nginx, the nodes (draining, in parallel), then the broker and Redis. */
    @Override
    public void close() throws InterruptedException {
        closing = true;
        List<Step> steps = new ArrayList<>();
        if (nginx != null) {
            nginx.stop();
        }
        for (Node n : nodes) {
            steps.add(n::stop);
        }
        all(steps);
        List<Step> last = new ArrayList<>();
        if (kafka != null) {
            last.add(kafka::stop);
        }
        if (redis != null) {
            last.add(redis::stop);
        }
        all(last);
    }

    private static void mkdirs(Path dir) {
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static int freePort() {
        try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getByName(HOST))) {
            return probe.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void awaitListening(String what, int port) {
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            try (Socket s = new Socket(HOST, port)) {
                return;
            } catch (IOException notYet) {
                try {
                    Thread.sleep(20); // a process starting: nothing to wait on but its port
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException(e);
                }
            }
        }
        throw new IllegalStateException(what + " did not listen on " + port + " within " + START_TIMEOUT);
    }
}
