package dev.fanfare.gateway;

import dev.fanfare.gateway.config.GatewayConfig;
import picocli.CommandLine.Option;

/**
 * The token options {@code fanfare run} verifies with and {@code fanfare token} signs with: the
 * same names and environment variables, so one exported key serves both.
 */
final class AuthOptions {

    @Option(names = "--auth-key", defaultValue = "${env:FANFARE_AUTH_KEY}", paramLabel = "SECRET|PEM|file:PATH",
            description = "the key tokens are signed with: an HMAC secret (HS*), or a PEM key (RS*, PS*, ES*: the"
                    + " gateway takes the public key, fanfare token the private one); file:PATH reads it from a file;"
                    + " none: no checks, anybody may do anything (env FANFARE_AUTH_KEY)")
    String key;

    @Option(names = "--auth-algorithm", defaultValue = "${env:FANFARE_AUTH_ALGORITHM:-HS256}",
            description = "the one JWS algorithm tokens are signed with (env FANFARE_AUTH_ALGORITHM; default ${DEFAULT-VALUE})")
    String algorithm;

    @Option(names = "--auth-issuer", defaultValue = "${env:FANFARE_AUTH_ISSUER}",
            description = "when set, a token's iss must be this (env FANFARE_AUTH_ISSUER)")
    String issuer;

    @Option(names = "--auth-audience", defaultValue = "${env:FANFARE_AUTH_AUDIENCE}",
            description = "when set, a token's aud must name this (env FANFARE_AUTH_AUDIENCE)")
    String audience;

    GatewayConfig.Auth applyTo(GatewayConfig.Auth auth) {
        return auth.withKey(key).withAlgorithm(algorithm).withIssuer(issuer).withAudience(audience);
    }
}
