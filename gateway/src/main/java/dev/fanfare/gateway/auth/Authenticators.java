package dev.fanfare.gateway.auth;

import dev.fanfare.gateway.config.GatewayConfig;
import dev.fanfare.gateway.core.Authenticator;
import java.time.Clock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The node's {@link Authenticator} from its configuration. */
public final class Authenticators {

    private static final Logger log = LoggerFactory.getLogger(Authenticators.class);

    private Authenticators() {
    }

    /**
     * Token checks with the configured key, or none without one; either way the node says which,
     * once, at start.
     *
     * @throws IllegalArgumentException for a key or algorithm that cannot work
     */
    public static Authenticator of(GatewayConfig.Auth auth) {
        if (!auth.enabled()) {
            log.warn("auth: no key configured: anybody may subscribe, publish, clap and like as anyone"
                    + " (set --jwt-secret, --jwt-public-key or --jwks to require tokens; see docs/SECURITY.md)");
            return Authenticator.OPEN;
        }
        TokenVerifier verifier = new TokenVerifier(auth, Clock.systemUTC());
        log.info("auth: tokens required, checked with {}; public streams: {}; allowed origins: {}", verifier.keys(),
                auth.publicStreams().isEmpty() ? "none" : String.join(",", auth.publicStreams()),
                AllowedOrigins.parse(auth.allowedOrigins()).describe());
        return verifier;
    }
}
