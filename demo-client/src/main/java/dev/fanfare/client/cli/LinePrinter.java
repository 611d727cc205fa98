package dev.fanfare.client.cli;

import java.io.PrintWriter;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Writes lines to an output stream on its own thread, so event loops never wait on a slow terminal
 * or pipe.
 *
 * <p>Bounded, with backpressure: at {@code pauseAt} queued lines it calls the pause hook (the client
 * stops reading its socket; the gateway's slow-consumer policy and the cursor take over), and at
 * {@code resumeAt} the resume hook. The queue's hard capacity is far above {@code pauseAt}; reaching it
 * would take one socket read of thousands of events, and only then would {@link #print} wait.
 */
final class LinePrinter implements AutoCloseable {

    private static final int HARD_CAPACITY = 100_000;
    /** Marks the end of output; compared by identity, so no real line can be mistaken for it. */
    private static final String END = new String("end of output");

    private final PrintWriter out;
    private final int pauseAt;
    private final int resumeAt;
    private final BlockingQueue<String> queue = new LinkedBlockingQueue<>(HARD_CAPACITY);
    private final AtomicBoolean paused = new AtomicBoolean();
    private final Thread writer;
    private volatile Runnable pauseHook = () -> { };
    private volatile Runnable resumeHook = () -> { };

    LinePrinter(PrintWriter out, int pauseAt, int resumeAt) {
        if (resumeAt >= pauseAt || pauseAt >= HARD_CAPACITY) {
            throw new IllegalArgumentException("pauseAt: " + pauseAt + ", resumeAt: " + resumeAt
                    + " (expected: resumeAt < pauseAt < " + HARD_CAPACITY + ")");
        }
        this.out = out;
        this.pauseAt = pauseAt;
        this.resumeAt = resumeAt;
        this.writer = new Thread(this::drain, "fanfare-printer");
        writer.setDaemon(true);
        writer.start();
    }

    /** What to call when output falls behind, and when it caught up. */
    void onPressure(Runnable pause, Runnable resume) {
        this.pauseHook = pause;
        this.resumeHook = resume;
    }

    /** Queues one line (any thread). */
    void print(String line) {
        try {
            queue.put(line);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        }
        if (queue.size() >= pauseAt && paused.compareAndSet(false, true)) {
            pauseHook.run();
        }
    }

    private void drain() {
        try {
            while (true) {
                String line = queue.take();
                if (line == END) {
                    break;
                }
                out.println(line);
                if (queue.isEmpty()) {
                    out.flush();
                }
                if (queue.size() <= resumeAt && paused.compareAndSet(true, false)) {
                    resumeHook.run();
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            out.flush();
        }
    }

    /** Writes what is queued, then stops the writer. Idempotent. */
    @Override
    public void close() {
        if (!writer.isAlive()) {
            return;
        }
        try {
            queue.put(END);
            writer.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
