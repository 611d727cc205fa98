package dev.fanfare.client.load;

import java.io.PrintStream;
import java.util.Locale;

/**
 * A progress bar on a terminal ({@code \r}-redrawn), or a plain line every few seconds when the output
 * is a file or pipe. Called from one thread (the run's).
 */
public final class Progress {

    private static final int WIDTH = 30;
    private static final long PLAIN_EVERY_NANOS = 5_000_000_000L;

    private final PrintStream out;
    private final boolean interactive;
    private final boolean enabled;
    private long lastPlainNanos;
    private boolean drawn;

    private Progress(PrintStream out, boolean interactive, boolean enabled) {
        this.out = out;
        this.interactive = interactive;
        this.enabled = enabled;
    }

    /** On {@code out}; redrawn in place when this process has a console. */
    public static Progress on(PrintStream out) {
        return new Progress(out, System.console() != null, true);
    }

    public static Progress none() {
        return new Progress(System.err, false, false);
    }

    /** Shows {@code phase} at {@code fraction} (0..1) with a detail text. */
    public void show(String phase, double fraction, String detail) {
        if (!enabled) {
            return;
        }
        double f = Math.max(0, Math.min(1, fraction));
        if (interactive) {
            int filled = (int) Math.round(f * WIDTH);
            out.print(String.format(Locale.ROOT, "\r%-10s [%s%s] %3.0f%%  %s\u001b[K", phase, "#".repeat(filled),
                    ".".repeat(WIDTH - filled), f * 100, detail));
            out.flush();
            drawn = true;
        } else {
            long now = System.nanoTime();
            if (now - lastPlainNanos >= PLAIN_EVERY_NANOS) {
                lastPlainNanos = now;
                out.println(String.format(Locale.ROOT, "%s %3.0f%%  %s", phase, f * 100, detail));
            }
        }
    }

    /** Ends the bar's line. */
    public void finish() {
        if (enabled && interactive && drawn) {
            out.println();
            drawn = false;
        }
    }
}
