package dev.fanfare.gateway.transport;

import dev.fanfare.gateway.core.ApiException;
import dev.fanfare.gateway.core.ErrorCode;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.cookie.Cookie;
import io.netty.handler.codec.http.cookie.ServerCookieDecoder;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Where an HTTP request carries its token, in this order: {@code Authorization: Bearer <token>}
 * (any client), a {@code fanfare_token} cookie (a browser page of the same site), or the
 * {@code access_token} query parameter (EventSource and WebSocket cannot set headers). A token in
 * the query is kept out of the logs: every URI logged goes through {@link #redact}.
 */
public final class Credentials {

    public static final String COOKIE = "fanfare_token";
    public static final String QUERY = "access_token";
    private static final String BEARER = "Bearer ";
    private static final Pattern IN_QUERY = Pattern.compile("([?&]" + QUERY + "=)[^&#]*");

    private Credentials() {
    }

    /**
     * The request's token, or null when it carries none.
     *
     * @throws ApiException {@link ErrorCode#UNAUTHORIZED} for an {@code Authorization} header of another scheme
     */
    public static String token(HttpRequest request, Map<String, List<String>> query) {
        String authorization = request.headers().get(HttpHeaderNames.AUTHORIZATION);
        if (authorization != null) {
            if (!authorization.regionMatches(true, 0, BEARER, 0, BEARER.length())
                    || authorization.substring(BEARER.length()).isBlank()) {
                throw new ApiException(ErrorCode.UNAUTHORIZED,
                        "authorization: not a bearer token (expected: Authorization: Bearer <token>)");
            }
            return authorization.substring(BEARER.length()).strip();
        }
        String cookies = request.headers().get(HttpHeaderNames.COOKIE);
        if (cookies != null) {
            for (Cookie c : ServerCookieDecoder.LAX.decode(cookies)) {
                if (COOKIE.equals(c.name()) && !c.value().isEmpty()) {
                    return c.value();
                }
            }
        }
        String inQuery = RequestParams.first(query, QUERY);
        return inQuery == null || inQuery.isEmpty() ? null : inQuery;
    }

    /** {@code uri} with the value of any {@code access_token} parameter replaced, for logs. */
    public static String redact(String uri) {
        return uri.contains(QUERY) ? IN_QUERY.matcher(uri).replaceAll("$1REDACTED") : uri;
    }
}
