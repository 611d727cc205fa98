package dev.fanfare.gateway;

import dev.fanfare.gateway.config.GatewayConfig;
import java.nio.file.Path;
import java.time.Duration;
import picocli.CommandLine.Option;

/**
 * The token options {@code fanfare run} verifies with and {@code fanfare token} signs with: the
 * same names and environment variables, so one exported key serves both. At most one key.
 */
final class AuthOptions {

    @Option(names = "--jwt-secret", defaultValue = "${env:FANFARE_JWT_SECRET}", paramLabel = "SECRET",
            description = "HS256: the secret tokens are signed with, at least 32 bytes (better in the environment:"
                    + " FANFARE_JWT_SECRET; the command line is visible to other users)")
    String secret;

    @Option(names = "--jwt-public-key", defaultValue = "${env:FANFARE_JWT_PUBLIC_KEY}", paramLabel = "FILE",
            description = "RS256 or ES256: a PEM public key (RSA, or EC P-256) tokens are verified with"
                    + " (env FANFARE_JWT_PUBLIC_KEY)")
    Path publicKey;

    @Option(names = "--jwks", defaultValue = "${env:FANFARE_JWKS}", paramLabel = "FILE",
            description = "RS256 or ES256: a JWK set file; a token names its key by kid (env FANFARE_JWKS)")
    Path jwks;

    @Option(names = "--jwt-issuer", defaultValue = "${env:FANFARE_JWT_ISSUER}",
            description = "when set, a token's iss must be this (env FANFARE_JWT_ISSUER)")
    String issuer;

    @Option(names = "--jwt-audience", defaultValue = "${env:FANFARE_JWT_AUDIENCE}",
            description = "when set, a token's aud must name this (env FANFARE_JWT_AUDIENCE)")
    String audience;

    @Option(names = "--jwt-clock-skew", defaultValue = "${env:FANFARE_JWT_CLOCK_SKEW:-30}", paramLabel = "SECONDS",
            description = "how far the issuer's clock may be off, for exp and nbf (env FANFARE_JWT_CLOCK_SKEW;"
                    + " default ${DEFAULT-VALUE})")
    int clockSkewSeconds;

    GatewayConfig.Auth applyTo(GatewayConfig.Auth auth) {
        return auth.withJwtSecret(secret).withJwtPublicKey(publicKey).withJwks(jwks).withIssuer(issuer)
                .withAudience(audience).withClockSkew(Duration.ofSeconds(clockSkewSeconds));
    }
}
