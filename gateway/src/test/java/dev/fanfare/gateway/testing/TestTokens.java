package dev.fanfare.gateway.testing;

import dev.fanfare.gateway.auth.TokenIssuer;
import dev.fanfare.gateway.config.GatewayConfig;
import java.time.Clock;
import java.time.Duration;
import java.util.List;

/** A key for tests and tokens signed with it, as an application would issue them. */
public final class TestTokens {

    /** An HS256 secret (48 bytes): what {@code --jwt-secret} would be given. */
    public static final String KEY = "test-secret-of-forty-eight-bytes-for-hs256-keys!";
    /**
     * The auth section of a node that checks tokens with {@link #KEY}, with the default public
     * streams and no clock skew (tests of expiry see a token end at its {@code exp}).
     */
    public static final GatewayConfig.Auth AUTH = GatewayConfig.Auth.DEFAULTS.withJwtSecret(KEY).withClockSkew(Duration.ZERO);

    private TestTokens() {
    }

    /** A node's config with tokens checked as {@link #AUTH} does, from {@code base}. */
    public static GatewayConfig checked(GatewayConfig base) {
        return base.withAuth(a -> a.withJwtSecret(KEY).withClockSkew(Duration.ZERO));
    }

    /** A token for {@code sub}, valid for an hour. */
    public static String token(String sub, List<String> subscribe, List<String> publish) {
        return token(sub, subscribe, publish, Duration.ofHours(1));
    }

    public static String token(String sub, List<String> subscribe, List<String> publish, Duration ttl) {
        return new TokenIssuer(AUTH, Clock.systemUTC()).issue(sub, subscribe, publish, ttl);
    }
}
