package dev.fanfare.gateway.core;

/**
 * Every reason the gateway refuses a request, once: the code a client reads in
 * {@code {"error":"<code>","message":".."}} (HTTP) or {@code {"type":"error","code":"<code>",..}}
 * (WebSocket), and the HTTP status it goes with.
 */
public enum ErrorCode {
    /** The request is not what the protocol expects (not HTTP/1.1, not an upgrade, ...). */
    BAD_REQUEST("bad_request", 400),
    /** A parameter or field is malformed or out of range. */
    BAD_PARAMETER("bad_parameter", 400),
    /** A channel name is malformed or names a stream this node does not serve. */
    BAD_CHANNEL("bad_channel", 400),
    /** A cursor this gateway did not issue, or damaged. */
    BAD_CURSOR("bad_cursor", 400),
    /** A body or message that should be JSON is not. */
    BAD_JSON("bad_json", 400),
    /** A body that is not UTF-8. */
    BAD_ENCODING("bad_encoding", 400),
    /** A WebSocket message that is JSON but not a message of the protocol. */
    BAD_MESSAGE("bad_message", 400),
    /** No channel where at least one is needed. */
    MISSING_CHANNEL("missing_channel", 400),
    /** No body where one is needed. */
    MISSING_BODY("missing_body", 400),
    /** More channels than a request or a connection may hold. */
    TOO_MANY_CHANNELS("too_many_channels", 400),
    /** No token where one is needed, or a token this gateway cannot verify. */
    UNAUTHORIZED("unauthorized", 401),
    /** A token that was valid once and has expired: get a fresh one from the application. */
    TOKEN_EXPIRED("token_expired", 401),
    /** A valid token that does not grant this (a channel, another user), or a foreign origin. */
    FORBIDDEN("forbidden", 403),
    /** No such path. */
    NOT_FOUND("not_found", 404),
    /** The path exists, the method is not one it answers. */
    METHOD_NOT_ALLOWED("method_not_allowed", 405),
    /** The clap would take the user over the per-post cap; nothing was counted. */
    CLAP_LIMIT("clap_limit", 409),
    /** A body or message over the size limit. */
    TOO_LARGE("too_large", 413),
    /** A body whose Content-Type the endpoint does not take. */
    UNSUPPORTED_MEDIA_TYPE("unsupported_media_type", 415),
    /** An {@code Expect} header other than {@code 100-continue}. */
    EXPECTATION_FAILED("expectation_failed", 417),
    /** A request line over the size limit. */
    URI_TOO_LONG("uri_too_long", 414),
    /** A request not received whole within the request timeout. */
    REQUEST_TIMEOUT("request_timeout", 408),
    /** Too many requests or messages for this user or address: retry after the time given. */
    RATE_LIMITED("rate_limited", 429),
    /** More connections from this client address than the node takes from one address: retry later. */
    TOO_MANY_CONNECTIONS("too_many_connections", 503),
    /** Headers over the size limit. */
    HEADERS_TOO_LARGE("headers_too_large", 431),
    /** A bug on our side; the details are logged, not sent. */
    INTERNAL("internal", 500),
    /** Kafka or Redis cannot take the action now, or the node is overloaded; nothing was done. */
    UNAVAILABLE("unavailable", 503),
    /** A request in an HTTP version other than 1.x. */
    HTTP_VERSION_NOT_SUPPORTED("http_version_not_supported", 505);

    private final String code;
    private final int status;

    ErrorCode(String code, int status) {
        this.code = code;
        this.status = status;
    }

    /** What the client reads. */
    public String code() {
        return code;
    }

    /** The HTTP status. */
    public int status() {
        return status;
    }
}
