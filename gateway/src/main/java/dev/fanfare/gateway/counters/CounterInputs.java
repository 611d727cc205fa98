package dev.fanfare.gateway.counters;

import dev.fanfare.gateway.core.ApiException;
import java.util.regex.Pattern;

/** Validation of post ids, user ids and clap counts, shared by the request path and the worker. */
public final class CounterInputs {

    static final int MAX_ID_LENGTH = 64;
    private static final Pattern ID = Pattern.compile("[A-Za-z0-9._:@-]{1," + MAX_ID_LENGTH + "}");
    private static final String ID_EXPECTED = "1.." + MAX_ID_LENGTH + " characters of [A-Za-z0-9._:@-]";
    /** Longest value quoted back in a message, so a huge input does not make a huge answer. */
    private static final int MAX_QUOTED = 80;

    private CounterInputs() {
    }

    static boolean isValidId(String id) {
        return id != null && ID.matcher(id).matches();
    }

    static String post(String post) {
        return id("post", post);
    }

    static String user(String user) {
        return id("user", user);
    }

    static int count(long count, int cap) {
        if (count < 1 || count > cap) {
            throw ApiException.badParameter("count", count, "1.." + cap);
        }
        return (int) count;
    }

    /** Quotes client input for a message, shortened and escaped. */
    public static String quote(String value) {
        String shown = value.length() > MAX_QUOTED ? value.substring(0, MAX_QUOTED) + "..." : value;
        return '"' + shown.replace("\\", "\\\\").replace("\"", "\\\"") + '"';
    }

    private static String id(String name, String value) {
        if (value == null) {
            throw ApiException.badParameter(name, "missing", ID_EXPECTED);
        }
        if (!ID.matcher(value).matches()) {
            throw ApiException.badParameter(name, quote(value), ID_EXPECTED);
        }
        return value;
    }
}
