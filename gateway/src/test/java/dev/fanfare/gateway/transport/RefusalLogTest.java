package dev.fanfare.gateway.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fanfare.gateway.core.RepeatedLog;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.slf4j.Marker;
import org.slf4j.event.Level;
import org.slf4j.helpers.AbstractLogger;
import org.slf4j.helpers.MessageFormatter;

class RefusalLogTest {

    /** Keeps what is logged, formatted. */
    private static final class Recording extends AbstractLogger {
        final List<String> lines = new ArrayList<>();

        Recording() {
            this.name = "recording";
        }

        @Override
        protected String getFullyQualifiedCallerName() {
            return null;
        }

        @Override
        protected void handleNormalizedLoggingCall(Level level, Marker marker, String msg, Object[] args, Throwable t) {
            lines.add(MessageFormatter.arrayFormat(msg, args).getMessage());
        }

        @Override public boolean isTraceEnabled() { return true; }
        @Override public boolean isTraceEnabled(Marker m) { return true; }
        @Override public boolean isDebugEnabled() { return true; }
        @Override public boolean isDebugEnabled(Marker m) { return true; }
        @Override public boolean isInfoEnabled() { return true; }
        @Override public boolean isInfoEnabled(Marker m) { return true; }
        @Override public boolean isWarnEnabled() { return true; }
        @Override public boolean isWarnEnabled(Marker m) { return true; }
        @Override public boolean isErrorEnabled() { return true; }
        @Override public boolean isErrorEnabled(Marker m) { return true; }
    }

    @Test
    void anAccessTokenInARefusalIsNeverLogged() {
        Recording log = new Recording();
        new RefusalLog(log).refused("bad_channel", "GET '/sse?channel=x&access_token=eyJ.secret.sig&cursor=c': 400");
        assertEquals(1, log.lines.size());
        assertTrue(log.lines.get(0).contains("/sse?channel=x&access_token=REDACTED&cursor=c"), log.lines::toString);
        assertTrue(!log.lines.get(0).contains("secret"), log.lines::toString);
        assertEquals("/ws?access_token=REDACTED", Credentials.redact("/ws?access_token=a.b.c"));
        assertEquals("/poll?channel=x", Credentials.redact("/poll?channel=x"));
    }

    /**
     * Found by RequestParamsFuzzTest: the query decoder also splits on ';', decodes names and skips
     * a name's leading '=', so redaction must too.
     */
    @Test
    void aTokenIsRedactedWhereverTheQueryDecoderFindsOne() {
        assertEquals("/sse?limit=1;access_token=REDACTED;x=y", Credentials.redact("/sse?limit=1;access_token=a.b.c;x=y"));
        assertEquals("/sse?access%5Ftoken=REDACTED&access_%74oken=REDACTED",
                Credentials.redact("/sse?access%5Ftoken=a.b.c&access_%74oken=d.e.f"));
        assertEquals("/ws?access_token=REDACTED#access_token=kept", Credentials.redact("/ws?access_token=a#access_token=kept"));
        assertEquals("/ws?access_token&access_token=REDACTED&&x", Credentials.redact("/ws?access_token&access_token=&&x"));
        assertEquals("/poll?channel=a%zz&access_token=REDACTED", Credentials.redact("/poll?channel=a%zz&access_token=t"));
        assertEquals("/poll?=access_token=REDACTED&==access_token=REDACTED",
                Credentials.redact("/poll?=access_token=a.b.c&==access_token=d"));
    }

    @Test
    void aFloodOfRefusalsIsTheFirstFewInFullThenOneCountPerReasonPerInterval() {
        Recording log = new Recording();
        RefusalLog refusals = new RefusalLog(log);
        for (int i = 0; i < 1000; i++) {
            refusals.refused("bad_cursor", "request " + i);
        }
        refusals.refused("not_found", "once");
        assertEquals(RepeatedLog.IN_FULL + 1, log.lines.size(), log.lines::toString);
        assertTrue(log.lines.get(0).contains("request 0"), log.lines::toString);

        refusals.report();
        assertEquals(RepeatedLog.IN_FULL + 2, log.lines.size(), "one line for the reason with more: " + log.lines);
        String summary = log.lines.get(log.lines.size() - 1);
        assertTrue(summary.contains("bad_cursor") && summary.contains((1000 - RepeatedLog.IN_FULL) + " more"), summary);
        refusals.report();
        assertEquals(RepeatedLog.IN_FULL + 2, log.lines.size(), "nothing new, nothing logged");
        assertEquals(1000, refusals.count("bad_cursor"));
    }
}
