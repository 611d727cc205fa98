package dev.fanfare.gateway.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import com.fasterxml.jackson.databind.node.TextNode;
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
import dev.fanfare.gateway.testing.TestTokens;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Set;

/**
 * Tokens as an attacker (or a careless issuer) makes them: any text, a real token changed
 * anywhere, correctly signed tokens with claims of any shape (the {@code fanfare} claim too). The
 * verifier answers a principal or a 401, never anything else, and a changed token is refused or
 * means exactly what the original meant.
 */
class TokenFuzzTest {

    private static final Set<ErrorCode> REFUSALS = Set.of(ErrorCode.UNAUTHORIZED, ErrorCode.TOKEN_EXPIRED);
    private static final TokenVerifier VERIFIER = new TokenVerifier(TestTokens.AUTH, Clock.systemUTC());
    private static final String REAL = TestTokens.token("alice", List.of("demo/a", "claps/*"), List.of("demo/a"));
    private static final Principal ORIGINAL = VERIFIER.authenticate(REAL);
    private static final List<ChannelName> PROBES = List.of(ChannelName.parse("demo/a"), ChannelName.parse("demo/b"),
            ChannelName.parse("demo/*"), ChannelName.parse("claps/x"), ChannelName.parse("ticker/A"));
    private static final String BASE64URL = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    private static final long FUTURE = Instant.now().getEpochSecond() + 3600;
    private static final List<String> NAMES = List.of("sub", "exp", "nbf", "iat", "iss", "aud", "fanfare", "fanfare",
            "subscribe", "publish", "jti");
    private static final List<String> VALUES = List.of("null", "true", "[]", "{}", "1", "-1", "1e300", "\"alice\"",
            "[\"demo/*\"]", "[null]", "[1]", "[\"demo/a\",\"x\"]", String.valueOf(FUTURE), "\"" + FUTURE + "\"",
            "[\"alice\"]", "9223372036854775808", "{\"subscribe\":[\"demo/*\"]}", "{\"publish\":\"demo/a\"}",
            "{\"subscribe\":[\"demo/*\"],\"publish\":[\"demo/a\",7]}", "{\"subscribe\":{}}", "{\"publish\":[\"Demo/x\"]}");

    @FuzzTest(maxDuration = Fuzz.DURATION)
    void aTokenIsAPrincipalOrA401AndAChangedOneMeansWhatTheOriginalMeant(FuzzedDataProvider data) throws Exception {
        switch (data.consumeInt(0, 2)) {
            case 0 -> anyText(switch (data.consumeInt(0, 2)) {
                case 0 -> Fuzz.text(data, 300);
                case 1 -> Fuzz.of(data, "abcXYZ019-_.=", 400);
                default -> String.join(".", Fuzz.listOf(data, 6, () -> Fuzz.text(data, 80)));
            });
            case 1 -> changed(changed(data));
            default -> signed(claims(data));
        }
    }

    private static void anyText(String token) {
        try {
            VERIFIER.authenticate(token);
        } catch (ApiException e) {
            assertTrue(REFUSALS.contains(e.code()), e.code()::toString);
        }
    }

    private static void changed(String token) {
        Principal p;
        try {
            p = VERIFIER.authenticate(token);
        } catch (ApiException e) {
            assertEquals(ErrorCode.UNAUTHORIZED, e.code());
            return;
        }
        assertEquals(ORIGINAL.subject(), p.subject(), token);
        assertEquals(ORIGINAL.expiresAt(), p.expiresAt(), token);
        for (ChannelName c : PROBES) {
            assertEquals(ORIGINAL.grants().maySubscribe(c), p.grants().maySubscribe(c), token);
            assertEquals(ORIGINAL.grants().mayPublish(c), p.grants().mayPublish(c), token);
        }
    }

    private static void signed(String claims) throws Exception {
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

    /** {@link #REAL} with one character changed, left out or put in. */
    private static String changed(FuzzedDataProvider data) {
        int i = data.consumeInt(0, REAL.length() - 1);
        char ch = data.consumeBoolean() ? BASE64URL.charAt(data.consumeInt(0, BASE64URL.length() - 1)) : data.consumeChar();
        return switch (data.consumeInt(0, 2)) {
            case 0 -> REAL.substring(0, i) + ch + REAL.substring(i + 1);
            case 1 -> REAL.substring(0, i) + REAL.substring(i + 1);
            default -> REAL.substring(0, i) + ch + REAL.substring(i);
        };
    }

    /** A JSON object of registered and Fanfare claims, each of any shape. */
    private static String claims(FuzzedDataProvider data) {
        return "{" + String.join(",", Fuzz.listOf(data, 8, () -> "\"" + data.pickValue(NAMES) + "\":"
                + (data.consumeBoolean() ? data.pickValue(VALUES) : TextNode.valueOf(Fuzz.text(data, 40)).toString()))) + "}";
    }
}
