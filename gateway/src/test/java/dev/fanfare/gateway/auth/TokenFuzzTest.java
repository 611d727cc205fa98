package dev.fanfare.gateway.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSObject;
import com.nimbusds.jose.Payload;
import com.nimbusds.jose.crypto.MACSigner;
import dev.fanfare.gateway.core.ApiException;
import dev.fanfare.gateway.core.ChannelName;
import dev.fanfare.gateway.core.ErrorCode;
import dev.fanfare.gateway.core.Principal;
import dev.fanfare.gateway.testing.Fuzz;
import dev.fanfare.gateway.testing.LeakGuard;
import dev.fanfare.gateway.testing.TestTokens;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Tokens as an attacker (or a careless issuer) makes them: any text, a real token changed
 * anywhere, correctly signed tokens with claims of any shape. The verifier answers a principal
 * or a 401, never anything else, and a changed token is refused or means exactly what the
 * original meant.
 */
class TokenFuzzTest {

    static {
        LeakGuard.install();
    }

    private static final Set<ErrorCode> REFUSALS = Set.of(ErrorCode.UNAUTHORIZED, ErrorCode.TOKEN_EXPIRED);
    private static final TokenVerifier VERIFIER = new TokenVerifier(TestTokens.AUTH, Clock.systemUTC());
    private static final String REAL = TestTokens.token("alice", List.of("demo/a", "claps/*"), List.of("demo/a"));
    private static final List<ChannelName> PROBES = List.of(ChannelName.parse("demo/a"), ChannelName.parse("demo/b"),
            ChannelName.parse("demo/*"), ChannelName.parse("claps/x"), ChannelName.parse("ticker/A"));

    @Property
    void anyTextIsAPrincipalOrA401(@ForAll("texts") String token) {
        try {
            VERIFIER.authenticate(token);
        } catch (ApiException e) {
            assertTrue(REFUSALS.contains(e.code()), e.code()::toString);
        }
    }

    @Property
    void aRealTokenChangedAnywhereIsRefusedOrMeansTheSame(@ForAll("changed") String token) {
        Principal p;
        try {
            p = VERIFIER.authenticate(token);
        } catch (ApiException e) {
            assertEquals(ErrorCode.UNAUTHORIZED, e.code());
            return;
        }
        Principal original = VERIFIER.authenticate(REAL);
        assertEquals(original.subject(), p.subject(), token);
        assertEquals(original.expiresAt(), p.expiresAt(), token);
        for (ChannelName c : PROBES) {
            assertEquals(original.grants().maySubscribe(c), p.grants().maySubscribe(c), token);
            assertEquals(original.grants().mayPublish(c), p.grants().mayPublish(c), token);
        }
    }

    @Property
    void signedTokensWithClaimsOfAnyShapeAreAPrincipalOrA401(@ForAll("claims") String claims) throws Exception {
        JWSObject jws = new JWSObject(new JWSHeader.Builder(JWSAlgorithm.HS256).type(JOSEObjectType.JWT).build(),
                new Payload(claims));
        jws.sign(new MACSigner(TestTokens.KEY.getBytes(StandardCharsets.UTF_8)));
        try {
            Principal p = VERIFIER.authenticate(jws.serialize());
            assertTrue(p.subject() != null && p.expiresAt().isAfter(Instant.now()), claims);
        } catch (ApiException e) {
            assertTrue(REFUSALS.contains(e.code()), e.code()::toString);
        }
    }

    @Provide
    Arbitrary<String> texts() {
        return Arbitraries.oneOf(Fuzz.text(300),
                Arbitraries.strings().withChars("abcXYZ019-_.=").ofMaxLength(400),
                Fuzz.text(80).list().ofMinSize(2).ofMaxSize(6).map(l -> String.join(".", l)));
    }

    @Provide
    Arbitrary<String> changed() {
        String b64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
        return Combinators.combine(Arbitraries.integers().between(0, REAL.length() - 1),
                Arbitraries.oneOf(Arbitraries.chars().with(b64.toCharArray()), Arbitraries.chars()),
                Arbitraries.of(0, 1, 2)).as((i, ch, how) -> switch (how) {
                    case 0 -> REAL.substring(0, i) + ch + REAL.substring(i + 1);
                    case 1 -> REAL.substring(0, i) + REAL.substring(i + 1);
                    default -> REAL.substring(0, i) + ch + REAL.substring(i);
                });
    }

    @Provide
    Arbitrary<String> claims() {
        long future = Instant.now().getEpochSecond() + 3600;
        Arbitrary<String> value = Arbitraries.oneOf(
                Fuzz.text(40).map(t -> com.fasterxml.jackson.databind.node.TextNode.valueOf(t).toString()),
                Arbitraries.of("null", "true", "[]", "{}", "1", "-1", "1e300", "\"alice\"", "[\"demo/*\"]", "[null]", "[1]",
                        "[\"demo/a\",\"x\"]", String.valueOf(future), "\"" + future + "\"", "[\"alice\"]", "9223372036854775808"));
        Arbitrary<String> name = Arbitraries.of("sub", "exp", "nbf", "iat", "iss", "aud", "subscribe", "publish", "jti");
        return Combinators.combine(name, value).as((n, v) -> "\"" + n + "\":" + v).list().ofMaxSize(8)
                .map(fields -> "{" + String.join(",", fields) + "}");
    }
}
