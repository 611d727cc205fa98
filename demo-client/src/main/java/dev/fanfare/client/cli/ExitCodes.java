package dev.fanfare.client.cli;

/** What the {@code fanfare} commands exit with. */
public final class ExitCodes {

    /** Done; for compare and bench, every expected event arrived exactly once. */
    public static final int OK = 0;
    /** Could not do the job: gateway unreachable, subscription refused, I/O error. */
    public static final int FAILURE = 1;
    /** The command line was wrong (picocli's own code for it). */
    public static final int USAGE = 2;
    /** A run completed but events were missing, duplicated, out of order or not published. */
    public static final int INCOMPLETE = 3;

    private ExitCodes() {
    }
}
