package dev.fanfare.gateway.core;

/**
 * A request the gateway refuses, with what the client needs to fix it. Carries no stack trace:
 * it is an answer, not a fault. Messages follow one form: {@code "count: 0 (expected: 1..50)"}.
 */
public final class ApiException extends RuntimeException {

    private final ErrorCode code;
    private final long retryAfterSeconds;

    public ApiException(ErrorCode code, String message) {
        this(code, message, null);
    }

    public ApiException(ErrorCode code, String message, Throwable cause) {
        this(code, message, cause, 0);
    }

    private ApiException(ErrorCode code, String message, Throwable cause, long retryAfterSeconds) {
        super(message, cause, false, false);
        this.code = code;
        this.retryAfterSeconds = retryAfterSeconds;
    }

    /** {@code name: value (expected: expected)} as a {@link ErrorCode#BAD_PARAMETER}. */
    public static ApiException badParameter(String name, Object value, String expected) {
        return new ApiException(ErrorCode.BAD_PARAMETER, name + ": " + value + " (expected: " + expected + ")");
    }

    /**
     * A {@link ErrorCode#RATE_LIMITED} refusal: the client may try again after {@code retryAfterSeconds}
     * (HTTP {@code Retry-After}, WebSocket {@code "retryAfter"}).
     */
    public static ApiException rateLimited(String message, long retryAfterSeconds) {
        return retryAfter(ErrorCode.RATE_LIMITED, message, retryAfterSeconds);
    }

    /** A refusal after which the client may try again in {@code retryAfterSeconds} (at least 1). */
    public static ApiException retryAfter(ErrorCode code, String message, long retryAfterSeconds) {
        return new ApiException(code, message, null, Math.max(1, retryAfterSeconds));
    }

    public ErrorCode code() {
        return code;
    }

    /** Seconds after which trying again can succeed; 0 when the refusal does not say. */
    public long retryAfterSeconds() {
        return retryAfterSeconds;
    }

    /** The refusal behind a failed stage, or null when the failure is something else (a bug). */
    public static ApiException of(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof ApiException e) {
                return e;
            }
        }
        return null;
    }
}
