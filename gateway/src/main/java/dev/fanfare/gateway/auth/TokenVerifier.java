package dev.fanfare.gateway.auth;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
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
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Verifies access tokens: JWS in compact form, signed with a key the node is configured with and
 * that key's one algorithm ({@link TokenKeys}: any other algorithm, {@code none} and encrypted
 * tokens are refused before any key is used), with claims
 * <ul>
 *   <li>{@code sub}: the user (claps and likes count for it), 1..64 of {@code [A-Za-z0-9._:@-]};</li>
 *   <li>{@code exp}: required; {@code nbf} honoured; both with the configured clock skew;</li>
 *   <li>{@code iss} and {@code aud}: checked when the node is configured with them;</li>
 *   <li>{@code fanfare}: {@code {"subscribe": [..], "publish": [..]}}, arrays of channel patterns
 *       ({@link ChannelGrants}); absent, the token grants nothing but the public streams (and
 *       claps and likes as its {@code sub}).</li>
 * </ul>
 * A token without a key configured is never looked at ({@link Authenticator#OPEN}).
 */
public final class TokenVerifier implements Authenticator {

    /** Longest token read: a header or query has room for it, and a longer one is no token we issue. */
    public static final int MAX_TOKEN_CHARS = 4096;
    private static final Pattern SUBJECT = Pattern.compile("[A-Za-z0-9._:@-]{1,64}");
    private static final Set<JOSEObjectType> TYPES = Set.of(JOSEObjectType.JWT, new JOSEObjectType("at+jwt"));

    private final TokenKeys keys;
    private final Duration skew;
    private final String issuer;
    private final String audience;
    private final List<String> publicStreams;
    private final Principal anonymous;
    private final Clock clock;

    public TokenVerifier(GatewayConfig.Auth auth, Clock clock) {
        this.keys = TokenKeys.of(auth);
        this.skew = auth.clockSkew();
        this.issuer = auth.issuer();
        this.audience = auth.audience();
        this.publicStreams = auth.publicStreams();
        this.anonymous = Principal.anonymous(ChannelGrants.publicOnly(publicStreams));
        this.clock = clock;
    }

    /** How tokens are checked, for the node's start-up line. */
    public String keys() {
        return keys.describe();
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
        TokenKeys.Entry key = keys.keyFor(jwt.getHeader());
        if (jwt.getHeader().getType() != null && !TYPES.contains(jwt.getHeader().getType())) {
            throw unauthorized("token: typ " + Text.quote(jwt.getHeader().getType().toString()) + " (expected: JWT or at+jwt)");
        }
        try {
            if (!jwt.verify(key.verifier())) {
                throw unauthorized("token: signature not valid (expected: a token signed with this gateway's key)");
            }
            return principal(jwt.getJWTClaimsSet());
        } catch (JOSEException e) {
            throw unauthorized("token: signature not valid (expected: a token signed with this gateway's key)");
        } catch (ParseException e) {
            throw unauthorized("token: claims not valid (expected: a JSON object: sub, exp, and fanfare: {\"subscribe\":"
                    + " [patterns], \"publish\": [patterns]})");
        }
    }

    private Principal principal(JWTClaimsSet claims) throws ParseException {
        Instant now = clock.instant();
        Date exp = claims.getExpirationTime();
        if (exp == null) {
            throw unauthorized("exp: missing (expected: tokens that expire)");
        }
        Instant until = exp.toInstant().plus(skew);
        if (!until.isAfter(now)) {
            throw new ApiException(ErrorCode.TOKEN_EXPIRED, "token: expired at " + exp.toInstant()
                    + " (expected: a fresh token from the application)");
        }
        Date nbf = claims.getNotBeforeTime();
        if (nbf != null && nbf.toInstant().isAfter(now.plus(skew))) {
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
        return Principal.of(sub, grants(claims), until);
    }

    /** The {@code fanfare} claim's grants; malformed, the token is refused with what is wrong. */
    private ChannelGrants grants(JWTClaimsSet claims) {
        Object fanfare = claims.getClaim(TokenClaims.FANFARE);
        if (fanfare == null) {
            return ChannelGrants.publicOnly(publicStreams);
        }
        if (!(fanfare instanceof Map<?, ?> grants)) {
            throw unauthorized(TokenClaims.FANFARE + ": " + Text.quote(String.valueOf(fanfare))
                    + " (expected: an object, {\"subscribe\": [patterns], \"publish\": [patterns]})");
        }
        try {
            return ChannelGrants.of(patterns(grants, TokenClaims.SUBSCRIBE), patterns(grants, TokenClaims.PUBLISH),
                    publicStreams);
        } catch (IllegalArgumentException badPattern) {
            throw unauthorized(TokenClaims.FANFARE + "." + badPattern.getMessage());
        }
    }

    private static List<String> patterns(Map<?, ?> grants, String name) {
        Object value = grants.get(name);
        if (value == null) {
            return List.of();
        }
        if (value instanceof List<?> list && list.stream().allMatch(String.class::isInstance)) {
            return list.stream().map(String.class::cast).toList();
        }
        throw unauthorized(TokenClaims.FANFARE + "." + name + ": " + Text.quote(String.valueOf(value))
                + " (expected: an array of channel patterns, stream/key or stream/*)");
    }

    private static ApiException unauthorized(String message) {
        return new ApiException(ErrorCode.UNAUTHORIZED, message);
    }
}
