package dev.fanfare.gateway.testing;

import static org.awaitility.Awaitility.await;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The packaged gateway in its own JVM, as {@code ./fanfare run} starts it (the jar and
 * {@code target/lib}; the package phase runs before integration tests): for tests that measure the
 * gateway's own memory, or must not share a JVM with thousands of test clients. Its leak detector
 * runs at {@code paranoid}; {@link #close()} stops it with SIGTERM.
 */
public final class GatewayProcess implements AutoCloseable {

    private static final Pattern PAGE = Pattern.compile("Demo page: +http://localhost:(\\d+)/");

    private final Process process;
    private final StringBuffer output = new StringBuffer();
    private final AtomicInteger port = new AtomicInteger();

    private GatewayProcess(Process process) {
        this.process = process;
        Thread reader = new Thread(this::read, "gateway-process-output");
        reader.setDaemon(true);
        reader.start();
    }

    /**
     * Starts the gateway on a free port with an embedded broker under a fresh directory, and
     * waits until it serves.
     *
     * @param jvmOptions e.g. {@code -Xmx256m}
     * @param args       gateway options after {@code --port 0 --data-dir ...}
     */
    public static GatewayProcess start(List<String> jvmOptions, List<String> args) {
        return start(jvmOptions, args, Map.of());
    }

    /** As {@link #start(List, List)}, with {@code env} added to its environment (e.g. {@code FANFARE_JWT_SECRET}). */
    public static GatewayProcess start(List<String> jvmOptions, List<String> args, Map<String, String> env) {
        Path target = Path.of("target");
        if (!Files.exists(target.resolve("fanfare-gateway.jar"))) {
            throw new IllegalStateException("no target/fanfare-gateway.jar: the package phase runs before integration tests");
        }
        try {
            Path data = Files.createTempDirectory("fanfare-gateway-");
            List<String> command = new ArrayList<>(List.of("java", "-Dio.netty.leakDetection.level=paranoid",
                    "-XX:+ExitOnOutOfMemoryError"));
            command.addAll(jvmOptions);
            command.addAll(List.of("-cp", target.resolve("fanfare-gateway.jar") + File.pathSeparator + target.resolve("lib") + "/*",
                    "dev.fanfare.gateway.Main", "--port", "0", "--data-dir", data.toString()));
            command.addAll(args);
            ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
            builder.environment().putAll(env);
            GatewayProcess g = new GatewayProcess(builder.start());
            Runtime.getRuntime().addShutdownHook(new Thread(g.process::destroyForcibly, "gateway-process-killer"));
            await().atMost(Duration.ofSeconds(90)).until(() -> g.port.get() > 0 || !g.process.isAlive());
            if (!g.process.isAlive()) {
                throw new IllegalStateException("the gateway exited: " + g.output());
            }
            return g;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void read() {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line; (line = r.readLine()) != null; ) {
                output.append(line).append('\n');
                Matcher m = PAGE.matcher(line);
                if (m.find()) {
                    port.set(Integer.parseInt(m.group(1)));
                }
            }
        } catch (IOException e) {
            // the process ended
        }
    }

    public int port() {
        return port.get();
    }

    public long pid() {
        return process.pid();
    }

    public boolean alive() {
        return process.isAlive();
    }

    /** Everything it printed so far. */
    public String output() {
        return output.toString();
    }

    /** Runs a full garbage collection in it (jcmd GC.run), so heap figures read after it are what is live. */
    public void collectGarbage() {
        try {
            Process jcmd = new ProcessBuilder("jcmd", Long.toString(process.pid()), "GC.run")
                    .redirectErrorStream(true).start();
            String said = new String(jcmd.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!jcmd.waitFor(60, TimeUnit.SECONDS) || jcmd.exitValue() != 0) {
                throw new IllegalStateException("jcmd GC.run: " + said);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Stops it with SIGTERM and waits; true when it stopped by itself within 30 s. */
    public boolean stop() throws InterruptedException {
        process.destroy();
        if (process.waitFor(30, TimeUnit.SECONDS)) {
            return true;
        }
        process.destroyForcibly();
        return false;
    }

    @Override
    public void close() throws InterruptedException {
        stop();
    }
}
