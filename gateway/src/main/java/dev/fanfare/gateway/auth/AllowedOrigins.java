package dev.fanfare.gateway.auth;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The browser origins that may call the node: a request whose {@code Origin} is not among them is
 * refused (a WebSocket upgrade, a publish, a clap: a page elsewhere must not act with its
 * visitor's cookie), and only these get CORS answers. Entries: {@link #SELF} (the origin the
 * request's own {@code Host} names: the demo page), {@link #LOCALHOST} (localhost, 127.0.0.1 and
 * [::1] on any port), {@link #ANY}, or exact origins such as {@code https://app.example.com}.
 */
public final class AllowedOrigins {

    public static final String SELF = "self";
    public static final String LOCALHOST = "localhost";
    public static final String ANY = "*";
    private static final Set<String> LOCAL_HOSTS = Set.of("localhost", "127.0.0.1", "[::1]");

    private final boolean any;
    private final boolean self;
    private final boolean localhost;
    private final Set<String> exact;
    private final String described;

    private AllowedOrigins(boolean any, boolean self, boolean localhost, Set<String> exact, String described) {
        this.any = any;
        this.self = self;
        this.localhost = localhost;
        this.exact = Set.copyOf(exact);
        this.described = described;
    }

    /** Parses the entries; a malformed one is an {@link IllegalArgumentException} naming it. */
    public static AllowedOrigins parse(List<String> entries) {
        boolean any = false;
        boolean self = false;
        boolean localhost = false;
        Set<String> exact = new HashSet<>();
        List<String> shown = new ArrayList<>();
        for (String raw : entries) {
            String e = raw.strip();
            if (e.isEmpty()) {
                continue;
            }
            shown.add(e);
            switch (e.toLowerCase(Locale.ROOT)) {
                case ANY -> any = true;
                case SELF -> self = true;
                case LOCALHOST -> localhost = true;
                default -> {
                    String origin = normalize(e);
                    if (origin == null) {
                        throw new IllegalArgumentException("allowed origin: '" + e
                                + "' (expected: self, localhost, * or scheme://host[:port], e.g. https://app.example.com)");
                    }
                    exact.add(origin);
                }
            }
        }
        return new AllowedOrigins(any, self, localhost, exact, shown.isEmpty() ? "none" : String.join(", ", shown));
    }

    /**
     * Whether a request with this {@code Origin} may be answered.
     *
     * @param host the authority the request was sent to ({@code Host}, or what a trusted proxy forwarded)
     */
    public boolean allows(String origin, String host) {
        if (any) {
            return true;
        }
        String o = normalize(origin);
        if (o == null) {
            return false; // "null" (sandboxed frames, files) and anything malformed
        }
        if (exact.contains(o)) {
            return true;
        }
        String authority = o.substring(o.indexOf("://") + 3);
        if (localhost) {
            int colon = authority.lastIndexOf(':');
            String hostOnly = colon > authority.lastIndexOf(']') ? authority.substring(0, colon) : authority;
            if (LOCAL_HOSTS.contains(hostOnly)) {
                return true;
            }
        }
        return self && host != null && authority.equals(withoutDefaultPort(o.substring(0, o.indexOf("://")),
                host.strip().toLowerCase(Locale.ROOT)));
    }

    /** What a refusal names as expected. */
    public String describe() {
        return described;
    }

    /** {@code scheme://host[:port]} in lower case without the scheme's default port, or null when not an origin. */
    static String normalize(String origin) {
        if (origin == null || origin.length() > 512) {
            return null;
        }
        try {
            URI u = new URI(origin.strip());
            String scheme = u.getScheme();
            String host = u.getHost();
            if (scheme == null || host == null || u.getRawUserInfo() != null || u.getRawQuery() != null
                    || u.getRawFragment() != null || !(u.getRawPath() == null || u.getRawPath().isEmpty())) {
                return null;
            }
            scheme = scheme.toLowerCase(Locale.ROOT);
            String authority = host.toLowerCase(Locale.ROOT) + (u.getPort() < 0 ? "" : ":" + u.getPort());
            return scheme + "://" + withoutDefaultPort(scheme, authority);
        } catch (URISyntaxException e) {
            return null;
        }
    }

    private static String withoutDefaultPort(String scheme, String authority) {
        String port = "http".equals(scheme) ? ":80" : "https".equals(scheme) ? ":443" : null;
        return port != null && authority.endsWith(port) ? authority.substring(0, authority.length() - port.length()) : authority;
    }
}
