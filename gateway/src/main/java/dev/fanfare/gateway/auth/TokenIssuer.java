package dev.fanfare.gateway.auth;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.fanfare.gateway.config.GatewayConfig;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.UUID;

/**
 * Signs tokens the way an application issues them for its users: {@code sub}, {@code iat},
 * {@code exp}, a {@code jti}, {@code iss} and {@code aud} when configured, and the grants. Used
 * by {@code fanfare token} and by tests; an application does the same with any JWT library.
 */
public final class TokenIssuer {

    private final JWSHeader header;
    private final JWSSigner signer;
    private final GatewayConfig.Auth auth;
    private final Clock clock;

    public TokenIssuer(GatewayConfig.Auth auth, Clock clock) {
        TokenKeys keys = TokenKeys.of(auth);
        this.header = new JWSHeader.Builder(keys.algorithm()).type(JOSEObjectType.JWT).build();
        this.signer = keys.signer();
        this.auth = auth;
        this.clock = clock;
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
                .claim(TokenClaims.SUBSCRIBE, List.copyOf(subscribe))
                .claim(TokenClaims.PUBLISH, List.copyOf(publish));
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
