package dev.fanfare.gateway.auth;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.fanfare.gateway.config.GatewayConfig;
import dev.fanfare.gateway.core.ApiException;
import dev.fanfare.gateway.core.Authenticator;
import dev.fanfare.gateway.core.ErrorCode;
import dev.fanfare.gateway.core.Principal;
import dev.fanfare.gateway.core.Text;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Verifies access tokens: JWS in compact form, signed with the one algorithm and key the node is
 * configured with (any other algorithm, {@code none} and encrypted tokens are refused before any
 * key is used), with claims
 * <ul>
 *   <li>{@code sub}: the user (claps and likes count for it), 1..64 of {@code [A-Za-z0-9._:@-]};</li>
 *   <li>{@code exp}: required; {@code nbf} honoured (30 s of clock skew);</li>
 *   <li>{@code iss} and {@code aud}: checked when the node is configured with them;</li>
 *   <li>{@code subscribe}, {@code publish}: arrays of channel patterns ({@link ChannelGrants}).</li>
 * </ul>
 * A token without a key configured is never looked at ({@link Authenticator#OPEN}).
 */
public final class TokenVerifier implements Authenticator {

    /** Longest token read: a header or query has room for it, and a longer one is no token we issue. */
    public static final int MAX_TOKEN_CHARS = 4096;
    static final Duration NOT_BEFORE_SKEW = Duration.ofSeconds(30);
    private static final Pattern SUBJECT = Pattern.compile("[A-Za-z0-9._:@-]{1,64}");
    private static final Set<JOSEObjectType> TYPES = Set.of(JOSEObjectType.JWT, new JOSEObjectType("at+jwt"));

    private final JWSAlgorithm algorithm;
    private final JWSVerifier verifier;
    private final String issuer;
    private final String audience;
    private final List<String> publicStreams;
    private final Principal anonymous;
    private final Clock clock;

    public TokenVerifier(GatewayConfig.Auth auth, Clock clock) {
        TokenKeys keys = TokenKeys.of(auth);
        this.algorithm = keys.algorithm();
        this.verifier = keys.verifier();
        this.issuer = auth.issuer();
        this.audience = auth.audience();
        this.publicStreams = auth.publicStreams();
        this.anonymous = Principal.anonymous(ChannelGrants.publicOnly(publicStreams));
        this.clock = clock;
    }

    @Override
    public Principal authenticate(String token) {
        if (token == null) {
            return anonymous;
        }
        if (token.length() > MAX_TOKEN_CHARS) {
            throw unauthorized("token: " + token.length() + " characters (expected: at most " + MAX_TOKEN_CHARS + ")");
        }
        SignedJWT jwt;
        try {
            jwt = SignedJWT.parse(token.strip());
        } catch (ParseException e) {
            throw unauthorized("token: not a signed JWT (expected: a JWS in compact form, header.payload.signature)");
        }
        if (!algorithm.equals(jwt.getHeader().getAlgorithm())) {
            throw unauthorized("token: signed with " + Text.quote(jwt.getHeader().getAlgorithm().getName())
                    + " (expected: " + algorithm + ", the algorithm this gateway takes)");
        }
        if (jwt.getHeader().getType() != null && !TYPES.contains(jwt.getHeader().getType())) {
            throw unauthorized("token: typ " + Text.quote(jwt.getHeader().getType().toString()) + " (expected: JWT or at+jwt)");
        }
        try {
            if (!jwt.verify(verifier)) {
                throw unauthorized("token: signature not valid (expected: a token signed with this gateway's key)");
            }
            return principal(jwt.getJWTClaimsSet());
        } catch (JOSEException e) {
            throw unauthorized("token: signature not valid (expected: a token signed with this gateway's key)");
        } catch (ParseException e) {
            throw unauthorized("token: claims not valid (expected: a JSON object: sub, exp, string arrays subscribe and publish)");
        }
    }

    private Principal principal(JWTClaimsSet claims) throws ParseException {
        Instant now = clock.instant();
        Date exp = claims.getExpirationTime();
        if (exp == null) {
            throw unauthorized("exp: missing (expected: tokens that expire)");
        }
        if (!exp.toInstant().isAfter(now)) {
            throw new ApiException(ErrorCode.TOKEN_EXPIRED, "token: expired at " + exp.toInstant()
                    + " (expected: a fresh token from the application)");
        }
        Date nbf = claims.getNotBeforeTime();
        if (nbf != null && nbf.toInstant().isAfter(now.plus(NOT_BEFORE_SKEW))) {
            throw unauthorized("token: not valid before " + nbf.toInstant() + " (expected: a token valid now)");
        }
        if (issuer != null && !issuer.equals(claims.getIssuer())) {
            throw unauthorized("iss: " + Text.quote(claims.getIssuer()) + " (expected: " + Text.quote(issuer) + ")");
        }
        if (audience != null && (claims.getAudience() == null || !claims.getAudience().contains(audience))) {
            throw unauthorized("aud: " + claims.getAudience() + " (expected: to include " + Text.quote(audience) + ")");
        }
        String sub = claims.getSubject();
        if (sub == null || !SUBJECT.matcher(sub).matches()) {
            throw unauthorized("sub: " + (sub == null ? "missing" : Text.quote(sub))
                    + " (expected: the user, 1..64 characters of [A-Za-z0-9._:@-])");
        }
        try {
            return Principal.of(sub, ChannelGrants.of(list(claims, TokenClaims.SUBSCRIBE), list(claims, TokenClaims.PUBLISH),
                    publicStreams), exp.toInstant());
        } catch (IllegalArgumentException badPattern) {
            throw unauthorized(badPattern.getMessage());
        }
    }

    private static List<String> list(JWTClaimsSet claims, String name) throws ParseException {
        List<String> l = claims.getStringListClaim(name);
        return l == null ? List.of() : l;
    }

    private static ApiException unauthorized(String message) {
        return new ApiException(ErrorCode.UNAUTHORIZED, message);
    }
}
