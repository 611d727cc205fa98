package dev.fanfare.gateway.transport;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;

/**
 * Logs what the gateway refuses without letting a flood of bad requests become a flood of log
 * lines: the first {@link #IN_FULL} of each reason in full, then one line per reason per
 * {@link #INTERVAL_SECONDS} seconds with how many more there were. A token in a URI of the detail
 * ({@code access_token=}) never reaches the log ({@link Credentials#redact}).
 */
public final class RefusalLog {

    static final int IN_FULL = 5;
    static final long INTERVAL_SECONDS = 10;
    private static final ScheduledExecutorService REPORTER = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "fanfare-refusal-log");
        t.setDaemon(true);
        return t;
    });

    private static final class Count {
        final AtomicLong total = new AtomicLong();
        final AtomicLong unreported = new AtomicLong();
    }

    private final Logger log;
    private final Map<String, Count> byReason = new ConcurrentHashMap<>();

    public RefusalLog(Logger log) {
        this.log = log;
        REPORTER.scheduleAtFixedRate(this::report, INTERVAL_SECONDS, INTERVAL_SECONDS, TimeUnit.SECONDS);
    }

    /** One refusal: logged in full while it is among the first of its reason, else counted. */
    public void refused(String reason, String rawDetail) {
        String detail = Credentials.redact(rawDetail);
        Count c = byReason.computeIfAbsent(reason, r -> new Count());
        long n = c.total.incrementAndGet();
        if (n < IN_FULL) {
            log.info("refused ({}): {}", reason, detail);
        } else if (n == IN_FULL) {
            log.info("refused ({}): {} (more of these are counted, one line every {} s)", reason, detail,
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

    void report() {
        byReason.forEach((reason, c) -> {
            long n = c.unreported.getAndSet(0);
            if (n > 0) {
                log.info("refused ({}): {} more in the last {} s, {} since start", reason, n, INTERVAL_SECONDS,
                        c.total.get());
            }
        });
    }
}
