package dev.fanfare.gateway.cluster;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * One process a cluster started: the same command each time it is (re)started, its output appended
 * to a log file, and a watcher told when it exits without having been asked to.
 */
final class ManagedProcess {

    /** Reads one line of output: the value it announces once ready, or null. */
    interface Readiness extends Function<String, String> {
    }

    private final String name;
    private final List<String> command;
    private final Path log;
    private final Readiness readiness;
    private final Consumer<ManagedProcess> onUnexpectedExit;
    private Process process;
    private boolean stopping;

    ManagedProcess(String name, List<String> command, Path log, Readiness readiness, Consumer<ManagedProcess> onUnexpectedExit) {
        this.name = name;
        this.command = List.copyOf(command);
        this.log = log;
        this.readiness = readiness;
        this.onUnexpectedExit = onUnexpectedExit;
    }

    String name() {
        return name;
    }

    Path log() {
        return log;
    }

    synchronized long pid() {
        return process == null ? -1 : process.pid();
    }

    synchronized boolean alive() {
        return process != null && process.isAlive();
    }

    synchronized Integer exitCode() {
        return process == null || process.isAlive() ? null : process.exitValue();
    }

    /**
     * Starts it and waits until a line of its output satisfies the readiness check (null: returns at once).
     *
     * @return what the readiness check read (the broker's address, say), or null
     */
    String start(Duration timeout) throws InterruptedException {
        CompletableFuture<String> ready = new CompletableFuture<>();
        Process started;
        synchronized (this) {
            if (alive()) {
                throw new IllegalStateException(name + " is running (pid " + process.pid() + ")");
            }
            try {
                Files.createDirectories(log.getParent());
                started = new ProcessBuilder(command).redirectErrorStream(true).start();
            } catch (IOException e) {
                throw new UncheckedIOException("cannot start " + name + ": " + String.join(" ", command), e);
            }
            process = started;
            stopping = false;
        }
        Thread pump = new Thread(() -> pump(started, ready), name + "-output");
        pump.setDaemon(true);
        pump.start();
        started.onExit().thenRun(() -> exited(started, ready));
        if (readiness == null) {
            return null;
        }
        try {
            return ready.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            kill();
            throw new IllegalStateException(name + " was not ready within " + timeout + "; see " + log);
        } catch (java.util.concurrent.ExecutionException e) {
            throw new IllegalStateException(e.getCause().getMessage() + "; see " + log);
        }
    }

    private void pump(Process p, CompletableFuture<String> ready) {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
             Writer out = Files.newBufferedWriter(log, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND)) {
            for (String line; (line = r.readLine()) != null; ) {
                out.write(line);
                out.write('\n');
                out.flush();
                if (readiness != null && !ready.isDone()) {
                    String value = readiness.apply(line);
                    if (value != null) {
                        ready.complete(value);
                    }
                }
            }
        } catch (IOException e) {
            // the process ended, or the log cannot be written: its exit is reported either way
        }
    }

    private void exited(Process p, CompletableFuture<String> ready) {
        ready.completeExceptionally(new IllegalStateException(name + " exited with code " + p.exitValue()));
        boolean unexpected;
        synchronized (this) {
            unexpected = p == process && !stopping;
        }
        if (unexpected) {
            onUnexpectedExit.accept(this);
        }
    }

    /** SIGTERM, then waits up to {@code grace} before SIGKILL; true when it stopped by itself. */
    boolean stop(Duration grace) throws InterruptedException {
        Process p;
        synchronized (this) {
            p = process;
            stopping = true;
        }
        if (p == null || !p.isAlive()) {
            return true;
        }
        p.toHandle().destroy(); // SIGTERM; Process.destroy() would also close the pipe its last words go to
        if (p.waitFor(grace.toMillis(), TimeUnit.MILLISECONDS)) {
            return true;
        }
        appendThreadDump(p);
        p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        return false;
    }

    /** What a Java process that overran its grace was doing, into its log (anything else: nothing). */
    private void appendThreadDump(Process p) throws InterruptedException {
        Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
        if (!Files.isExecutable(jcmd) || !command.get(0).endsWith("java")) {
            return;
        }
        try {
            Process dump = new ProcessBuilder(jcmd.toString(), Long.toString(p.pid()), "Thread.print")
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
            if (!dump.waitFor(20, TimeUnit.SECONDS)) {
                dump.destroyForcibly();
            }
        } catch (IOException e) {
            // no dump then; the log still says it overran
        }
    }

    /** SIGKILL, as a crash: nothing of it runs any more; waits until it is gone. */
    void kill() throws InterruptedException {
        Process p;
        synchronized (this) {
            p = process;
            stopping = true;
        }
        if (p != null) {
            p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
    }
}
