package dev.fanfare.gateway.core;

/**
 * A request the gateway refuses, with what the client needs to fix it. Carries no stack trace:
 * it is an answer, not a fault. Messages follow one form: {@code "count: 0 (expected: 1..50)"}.
 */
public final class ApiException extends RuntimeException {

    private final ErrorCode code;

    public ApiException(ErrorCode code, String message) {
        this(code, message, null);
    }

    public ApiException(ErrorCode code, String message, Throwable cause) {
        super(message, cause, false, false);
        this.code = code;
    }

    /** {@code name: value (expected: expected)} as a {@link ErrorCode#BAD_PARAMETER}. */
    public static ApiException badParameter(String name, Object value, String expected) {
        return new ApiException(ErrorCode.BAD_PARAMETER, name + ": " + value + " (expected: " + expected + ")");
    }

    public ErrorCode code() {
        return code;
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
