package dev.fanfare.client.load;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.OptionalDouble;
import java.util.concurrent.TimeUnit;

/**
 * CPU time a process has used so far (user + system), from Linux's {@code /proc/<pid>/stat}.
 */
public final class ProcessCpu {

    /** Field 14 ({@code utime}) counted from field 3, the first after the command name. */
    private static final int UTIME_AFTER_COMM = 14 - 3;
    private static final long DEFAULT_TICKS_PER_SECOND = 100;

    private final long ticksPerSecond;

    private ProcessCpu(long ticksPerSecond) {
        this.ticksPerSecond = ticksPerSecond;
    }

    /** Asks the system for its clock-tick rate ({@code getconf CLK_TCK}); 100 when it cannot tell. */
    public static ProcessCpu system() {
        try {
            Process getconf = new ProcessBuilder("getconf", "CLK_TCK").redirectErrorStream(true).start();
            String out = new String(getconf.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).trim();
            if (getconf.waitFor(5, TimeUnit.SECONDS) && getconf.exitValue() == 0 && out.matches("\\d+")) {
                return new ProcessCpu(Long.parseLong(out));
            }
        } catch (IOException e) {
            // no getconf: fall through to Linux's usual value
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return new ProcessCpu(DEFAULT_TICKS_PER_SECOND);
    }

    static ProcessCpu withTicksPerSecond(long ticksPerSecond) {
        return new ProcessCpu(ticksPerSecond);
    }

    /** CPU seconds used by {@code pid} so far; empty when the process is gone or unreadable. */
    public OptionalDouble cpuSeconds(long pid) {
        try {
            return OptionalDouble.of(parseStat(Files.readString(Path.of("/proc", Long.toString(pid), "stat"))));
        } catch (IOException | RuntimeException e) {
            return OptionalDouble.empty();
        }
    }

    /**
     * Parses a {@code stat} line. The command name sits in parentheses and may itself hold spaces and
     * parentheses, so fields are counted from the last {@code ')'}.
     */
    double parseStat(String stat) {
        int close = stat.lastIndexOf(')');
        if (close < 0) {
            throw new IllegalArgumentException("stat: no command name in parentheses");
        }
        String[] fields = stat.substring(close + 1).trim().split("\\s+");
        if (fields.length <= UTIME_AFTER_COMM + 1) {
            throw new IllegalArgumentException("stat: " + fields.length + " fields after the name (expected: > "
                    + (UTIME_AFTER_COMM + 1) + ")");
        }
        long ticks = Long.parseLong(fields[UTIME_AFTER_COMM]) + Long.parseLong(fields[UTIME_AFTER_COMM + 1]);
        return (double) ticks / ticksPerSecond;
    }
}
