package dev.fanfare.gateway.transport;

import dev.fanfare.gateway.core.RepeatedLog;
import org.slf4j.Logger;

/**
 * Logs what the gateway refuses, as a {@link RepeatedLog} (the first few of each reason in full,
 * then periodic counts). A token in a URI of the detail ({@code access_token=}) never reaches the
 * log ({@link Credentials#redact}).
 */
public final class RefusalLog {

    private final RepeatedLog log;

    public RefusalLog(Logger log) {
        this.log = new RepeatedLog(log, "refused");
    }

    /** One refusal: logged in full while it is among the first of its reason, else counted. */
    public void refused(String reason, String rawDetail) {
        log.occurred(reason, Credentials.redact(rawDetail));
    }

    /** How many of {@code reason} so far. */
    public long count(String reason) {
        return log.count(reason);
    }

    void report() {
        log.report();
    }
}
