package dev.fanfare.gateway.auth;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.fanfare.gateway.config.GatewayConfig;
import java.nio.file.Path;
import java.security.Key;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.RSAPrivateKey;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Signs tokens the way an application issues them for its users: {@code sub}, {@code iat},
 * {@code exp}, a {@code jti}, {@code iss} and {@code aud} when configured, and the grants in the
 * {@code fanfare} claim. Used by {@code fanfare token} and by tests; an application does the same
 * with any JWT library.
 *
 * <p>The key: the HS256 secret ({@code --jwt-secret}); or a PEM private key
 * ({@code --jwt-private-key}: RS256 for RSA, ES256 for EC P-256), the other half of the gateway's
 * {@code --jwt-public-key}; or the first private key of the JWK set ({@code --jwks}), named by its
 * {@code kid}. A public key alone cannot sign.
 */
public final class TokenIssuer {

    private final JWSHeader header;
    private final JWSSigner signer;
    private final GatewayConfig.Auth auth;
    private final Clock clock;

    /** Signs with the secret or the key set's private key of {@code auth}. */
    public TokenIssuer(GatewayConfig.Auth auth, Clock clock) {
        this(auth, null, clock);
    }

    /**
     * @param privateKey a PEM private key file, or null to sign with {@code auth}'s secret or key set
     * @throws IllegalArgumentException naming what is missing or cannot sign
     */
    public TokenIssuer(GatewayConfig.Auth auth, Path privateKey, Clock clock) {
        this.auth = auth;
        this.clock = clock;
        try {
            if (privateKey != null) {
                if (auth.jwtSecret() != null || auth.jwks() != null) {
                    throw new IllegalArgumentException("jwt-private-key: given with " + (auth.jwtSecret() != null
                            ? "--jwt-secret" : "--jwks") + " (expected: one key to sign with: --jwt-private-key goes"
                            + " with --jwt-public-key; a secret or a key set signs by itself)");
                }
                Key key = TokenKeys.Pem.privateKey(TokenKeys.read("jwt-private-key", privateKey), "jwt-private-key");
                if (key instanceof RSAPrivateKey rsa) {
                    header = header(JWSAlgorithm.RS256, null);
                    signer = new RSASSASigner(rsa);
                } else {
                    ECPrivateKey ec = (ECPrivateKey) key;
                    header = header(TokenKeys.es256("jwt-private-key", ec), null);
                    signer = new ECDSASigner(ec);
                }
            } else if (auth.jwtSecret() != null) {
                header = header(JWSAlgorithm.HS256, null);
                signer = new MACSigner(TokenKeys.secret(auth.jwtSecret()));
            } else if (auth.jwks() != null) {
                JWK key = TokenKeys.signingKeys(auth.jwks(), TokenKeys.jwkSet(auth.jwks())).stream().filter(JWK::isPrivate)
                        .findFirst().orElseThrow(() -> new IllegalArgumentException("jwks: no private key in " + auth.jwks()
                                + " (expected: for fanfare token, a set with a private key, \"d\"; the gateway itself"
                                + " needs only the public keys; or sign with --jwt-private-key and --jwt-public-key)"));
                header = header(TokenKeys.algorithmOf(key, "jwks"), key.getKeyID());
                signer = key instanceof RSAKey rsa ? new RSASSASigner(rsa) : new ECDSASigner((ECKey) key);
            } else if (auth.jwtPublicKey() != null) {
                throw new IllegalArgumentException("jwt-public-key: a public key cannot sign (expected: --jwt-private-key"
                        + " FILE, the matching private key, or FANFARE_JWT_PRIVATE_KEY)");
            } else {
                throw new IllegalArgumentException("keys: none to sign with (expected: --jwt-secret or FANFARE_JWT_SECRET,"
                        + " --jwt-private-key FILE, or --jwks FILE with a private key)");
            }
        } catch (JOSEException | IllegalStateException e) {
            throw new IllegalArgumentException("signing key: not usable (" + e.getMessage() + ")", e);
        }
    }

    private static JWSHeader header(JWSAlgorithm algorithm, String kid) {
        return new JWSHeader.Builder(algorithm).type(JOSEObjectType.JWT).keyID(kid).build();
    }

    /** A token for {@code subject}, valid for {@code ttl} from now. */
    public String issue(String subject, List<String> subscribe, List<String> publish, Duration ttl) {
        ChannelGrants.of(subscribe, publish, List.of()); // a pattern the gateway would refuse is refused here
        Instant now = clock.instant();
        JWTClaimsSet.Builder claims = new JWTClaimsSet.Builder()
                .subject(subject)
                .issueTime(Date.from(now))
                .expirationTime(Date.from(now.plus(ttl)))
                .jwtID(UUID.randomUUID().toString())
                .claim(TokenClaims.FANFARE, Map.of(TokenClaims.SUBSCRIBE, List.copyOf(subscribe),
                        TokenClaims.PUBLISH, List.copyOf(publish)));
        if (auth.issuer() != null) {
            claims.issuer(auth.issuer());
        }
        if (auth.audience() != null) {
            claims.audience(auth.audience());
        }
        SignedJWT jwt = new SignedJWT(header, claims.build());
        try {
            jwt.sign(signer);
        } catch (JOSEException e) {
            throw new IllegalStateException("signing failed: " + e.getMessage(), e);
        }
        return jwt.serialize();
    }
}
