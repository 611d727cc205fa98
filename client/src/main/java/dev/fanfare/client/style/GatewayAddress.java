package dev.fanfare.client.style;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.QueryStringEncoder;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.util.List;

/**
 * Where a gateway listens, resolved once on the caller's thread so that no event loop ever waits on DNS,
 * and the access token every request to it carries, if any.
 *
 * @param host   the host as given (sent in {@code Host} headers)
 * @param socket the resolved address to connect to
 * @param token  sent as {@code Authorization: Bearer} on every request, the WebSocket upgrade and SSE included
 *               (a Java client can set headers); null: none, for a gateway without a key
 */
public record GatewayAddress(String host, InetSocketAddress socket, String token) {

    public GatewayAddress {
        token = token == null || token.isBlank() ? null : token.strip();
    }

    public GatewayAddress(String host, InetSocketAddress socket) {
        this(host, socket, null);
    }

    /** The same gateway, asked with {@code accessToken} (null or blank: none). */
    public GatewayAddress withToken(String accessToken) {
        return new GatewayAddress(host, socket, accessToken);
    }

    /** Adds {@code Authorization: Bearer <token>} to a request's headers when there is a token. */
    public HttpHeaders authorize(HttpHeaders headers) {
        return token == null ? headers : headers.set(HttpHeaderNames.AUTHORIZATION, "Bearer " + token);
    }

    /** Never the token: an address is printed in messages. */
    @Override
    public String toString() {
        return "GatewayAddress[" + baseUrl() + (token == null ? "" : ", with a token") + "]";
    }

    /**
     * Parses {@code http://host[:port]} (a path is not allowed: the gateway serves from its root).
     *
     * @throws IllegalArgumentException when the URL is not of that form or the host does not resolve
     */
    public static GatewayAddress parse(String url) {
        URI uri;
        try {
            uri = new URI(url);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("url: " + url + " (expected: http://host[:port])", e);
        }
        if (!"http".equalsIgnoreCase(uri.getScheme()) || uri.getHost() == null
                || (uri.getPath() != null && !uri.getPath().isEmpty() && !uri.getPath().equals("/"))
                || uri.getQuery() != null) {
            throw new IllegalArgumentException("url: " + url + " (expected: http://host[:port])");
        }
        int port = uri.getPort() < 0 ? 80 : uri.getPort();
        try {
            InetAddress address = InetAddress.getByName(uri.getHost());
            return new GatewayAddress(uri.getHost(), new InetSocketAddress(address, port));
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("url: " + url + " (host " + uri.getHost() + " does not resolve)", e);
        }
    }

    public int port() {
        return socket.getPort();
    }

    /** The value of a {@code Host} header. */
    public String hostHeader() {
        String h = host.contains(":") && !host.startsWith("[") ? "[" + host + "]" : host;
        return h + ":" + port();
    }

    /** {@code http://host:port}, as the user would type it. */
    public String baseUrl() {
        return "http://" + hostHeader();
    }

    /** True when the gateway is on this machine (its process can then be measured). */
    public boolean isLocal() {
        InetAddress a = socket.getAddress();
        return a.isLoopbackAddress() || a.isAnyLocalAddress();
    }

    /** A request target: {@code path?channel=..&channel=..} plus the given extra parameters. */
    public static String target(String path, List<String> channels, String... extraNameValuePairs) {
        QueryStringEncoder encoder = new QueryStringEncoder(path);
        for (String channel : channels) {
            encoder.addParam("channel", channel);
        }
        for (int i = 0; i + 1 < extraNameValuePairs.length; i += 2) {
            if (extraNameValuePairs[i + 1] != null) {
                encoder.addParam(extraNameValuePairs[i], extraNameValuePairs[i + 1]);
            }
        }
        return encoder.toString();
    }
}
