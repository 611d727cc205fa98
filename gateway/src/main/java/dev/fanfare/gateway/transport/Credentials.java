package dev.fanfare.gateway.transport;

import dev.fanfare.gateway.core.ApiException;
import dev.fanfare.gateway.core.ErrorCode;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.handler.codec.http.cookie.Cookie;
import io.netty.handler.codec.http.cookie.ServerCookieDecoder;
import java.util.List;
import java.util.Map;

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

    /**
     * {@code uri} with the value of every {@code access_token} parameter replaced, for logs: the
     * parameters as the query decoder reads them, separated by {@code &} or {@code ;}, each name
     * percent-decoded ({@code access%5Ftoken} is one too) and without leading {@code =}.
     */
    public static String redact(String uri) {
        int query = uri.indexOf('?');
        if (query < 0) {
            return uri;
        }
        int end = uri.indexOf('#', query);
        end = end < 0 ? uri.length() : end;
        StringBuilder b = new StringBuilder(uri.length()).append(uri, 0, query + 1);
        for (int from = query + 1; from <= end; ) {
            int sep = from;
            while (sep < end && uri.charAt(sep) != '&' && uri.charAt(sep) != ';') {
                sep++;
            }
            int name = from;
            while (name < sep && uri.charAt(name) == '=') {
                name++; // the decoder skips a name's leading '=': "?=access_token=x" names access_token
            }
            int eq = uri.indexOf('=', name);
            if (eq >= 0 && eq < sep && isTokenName(uri.substring(name, eq))) {
                b.append(uri, from, eq + 1).append("REDACTED");
            } else {
                b.append(uri, from, sep);
            }
            if (sep < end) {
                b.append(uri.charAt(sep));
            }
            from = sep + 1;
        }
        return b.append(uri, end, uri.length()).toString();
    }

    private static boolean isTokenName(String rawName) {
        try {
            return QUERY.equals(QueryStringDecoder.decodeComponent(rawName));
        } catch (IllegalArgumentException malformed) {
            return false; // the decoder refuses the whole query: no token is taken from it
        }
    }
}
