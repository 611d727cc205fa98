package dev.fanfare.gateway.core;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;

/**
 * Logs what happens often (refused requests, clients let go of) without letting a flood become a
 * flood of log lines: the first {@link #IN_FULL} of each reason in full, then one line per reason
 * per {@link #INTERVAL_SECONDS} seconds with how many more there were. Any thread.
 */
public final class RepeatedLog {

    public static final int IN_FULL = 5;
    public static final long INTERVAL_SECONDS = 10;
    private static final ScheduledExecutorService REPORTER = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "fanfare-repeated-log");
        t.setDaemon(true);
        return t;
    });

    private static final class Count {
        final AtomicLong total = new AtomicLong();
        final AtomicLong unreported = new AtomicLong();
    }

    private final Logger log;
    private final String what;
    private final Map<String, Count> byReason = new ConcurrentHashMap<>();

    /** @param what the verb a line starts with, e.g. {@code refused} */
    public RepeatedLog(Logger log, String what) {
        this.log = log;
        this.what = what;
        REPORTER.scheduleAtFixedRate(this::report, INTERVAL_SECONDS, INTERVAL_SECONDS, TimeUnit.SECONDS);
    }

    /** One occurrence: logged in full while it is among the first of its reason, else counted. */
    public void occurred(String reason, String detail) {
        Count c = byReason.computeIfAbsent(reason, r -> new Count());
        long n = c.total.incrementAndGet();
        if (n < IN_FULL) {
            log.info("{} ({}): {}", what, reason, detail);
        } else if (n == IN_FULL) {
            log.info("{} ({}): {} (more of these are counted, one line every {} s)", what, reason, detail,
                    INTERVAL_SECONDS);
        } else {
            c.unreported.incrementAndGet();
        }
    }

    /** How many of {@code reason} so far. */
    public long count(String reason) {
        Count c = byReason.get(reason);
        return c == null ? 0 : c.total.get();
    }

    /** Logs one line per reason that had occurrences counted since the last report. */
    public void report() {
        byReason.forEach((reason, c) -> {
            long n = c.unreported.getAndSet(0);
            if (n > 0) {
                log.info("{} ({}): {} more in the last {} s, {} since start", what, reason, n, INTERVAL_SECONDS,
                        c.total.get());
            }
        });
    }
}
