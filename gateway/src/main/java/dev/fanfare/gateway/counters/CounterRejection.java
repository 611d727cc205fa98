package dev.fanfare.gateway.counters;

/**
 * Why a counter request was not accepted. Carries the HTTP status and the error code of the wire protocol
 * ({@code {"error":"<code>","message":"<message>"}}), so every transport reports it the same way.
 * Messages follow one form: {@code "count: 0 (expected: 1..50)"}.
 */
public final class CounterRejection extends RuntimeException {

    /** The kinds of rejection, each with its HTTP status and protocol error code. */
    public enum Reason {
        /** A field is malformed or out of range. */
        BAD_PARAMETER(400, "bad_parameter"),
        /** The request has no body where one is needed. */
        MISSING_BODY(400, "missing_body"),
        /** The method does not fit the path (for example {@code GET /claps/p}). */
        METHOD_NOT_ALLOWED(405, "method_not_allowed"),
        /** The clap would take the user over the per-post cap; nothing was counted. */
        CLAP_LIMIT(409, "clap_limit"),
        /** Redis or Kafka could not take the action, or the node is overloaded; nothing was counted. */
        UNAVAILABLE(503, "unavailable"),
        /** A bug on our side; the details are logged, not sent. */
        INTERNAL(500, "internal");

        private final int status;
        private final String code;

        Reason(int status, String code) {
            this.status = status;
            this.code = code;
        }

        public int status() {
            return status;
        }

        public String code() {
            return code;
        }
    }

    private final Reason reason;

    public CounterRejection(Reason reason, String message) {
        this(reason, message, null);
    }

    public CounterRejection(Reason reason, String message, Throwable cause) {
        // No stack trace: a rejection is an answer to a client, not a bug.
        super(message, cause, false, false);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }

    static CounterRejection badParameter(String name, Object value, String expected) {
        return new CounterRejection(Reason.BAD_PARAMETER, name + ": " + value + " (expected: " + expected + ")");
    }
}
