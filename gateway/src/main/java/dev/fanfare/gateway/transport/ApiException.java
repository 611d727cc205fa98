package dev.fanfare.gateway.transport;

import io.netty.handler.codec.http.HttpResponseStatus;

/**
 * A request the gateway refuses, with what the client needs to fix it. Carries no stack trace:
 * it is an answer, not a fault.
 */
public final class ApiException extends RuntimeException {

    private final HttpResponseStatus status;
    private final String code;

    public ApiException(HttpResponseStatus status, String code, String message) {
        super(message, null, false, false);
        this.status = status;
        this.code = code;
    }

    public static ApiException badRequest(String code, String message) {
        return new ApiException(HttpResponseStatus.BAD_REQUEST, code, message);
    }

    public HttpResponseStatus status() {
        return status;
    }

    public String code() {
        return code;
    }
}
