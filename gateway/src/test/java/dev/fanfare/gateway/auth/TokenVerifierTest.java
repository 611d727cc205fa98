package dev.fanfare.gateway.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.jwk.gen.OctetSequenceKeyGenerator;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.SignedJWT;
import dev.fanfare.gateway.config.GatewayConfig;
import dev.fanfare.gateway.core.ApiException;
import dev.fanfare.gateway.core.ChannelName;
import dev.fanfare.gateway.core.ErrorCode;
import dev.fanfare.gateway.core.Principal;
import dev.fanfare.gateway.testing.TestTokens;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class TokenVerifierTest {

    private final TokenVerifier verifier = new TokenVerifier(TestTokens.AUTH.withPublicStreams(List.of("ticker")),
            Clock.systemUTC());

    private static ErrorCode refusal(Runnable r) {
        return assertThrows(ApiException.class, r::run).code();
    }

    private static String signed(JWSAlgorithm alg, String secret, JWTClaimsSet claims) throws Exception {
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(alg).type(JOSEObjectType.JWT).build(), claims);
        jwt.sign(new MACSigner(secret.getBytes(StandardCharsets.UTF_8)));
        return jwt.serialize();
    }

    private static JWTClaimsSet.Builder claims() {
        return new JWTClaimsSet.Builder().subject("alice").expirationTime(Date.from(Instant.now().plusSeconds(600)));
    }

    @Test
    void aTokenSignedWithTheKeyGivesItsSubjectGrantsAndExpiry() {
        Principal p = verifier.authenticate(TestTokens.token("alice", List.of("demo/*"), List.of("demo/a")));
        assertEquals("alice", p.subject());
        assertFalse(p.open());
        assertTrue(p.grants().maySubscribe(ChannelName.parse("demo/x")));
        assertTrue(p.grants().maySubscribe(ChannelName.parse("demo/*")));
        assertTrue(p.grants().mayPublish(ChannelName.parse("demo/a")));
        assertFalse(p.grants().mayPublish(ChannelName.parse("demo/b")));
        assertFalse(p.grants().maySubscribe(ChannelName.parse("claps/p")));
        assertTrue(p.grants().maySubscribe(ChannelName.parse("ticker/ACME")), "a public stream");
        assertTrue(p.expiresAt().isAfter(Instant.now().plus(Duration.ofMinutes(59))));
    }

    @Test
    void noTokenIsAnonymousWithThePublicStreamsOnly() {
        Principal p = verifier.authenticate(null);
        assertNull(p.subject());
        assertTrue(p.grants().maySubscribe(ChannelName.parse("ticker/*")));
        assertFalse(p.grants().mayPublish(ChannelName.parse("ticker/A")), "public streams are read-only");
        assertFalse(p.grants().maySubscribe(ChannelName.parse("demo/a")));
        assertEquals(ErrorCode.UNAUTHORIZED, refusal(() -> p.requireSubscribe(List.of(ChannelName.parse("demo/a")))));
    }

    @Test
    void anotherAlgorithmIsRefusedEvenWithTheRightKey() throws Exception {
        String hs512 = signed(JWSAlgorithm.HS512, TestTokens.KEY + TestTokens.KEY, claims().build());
        assertEquals(ErrorCode.UNAUTHORIZED, refusal(() -> verifier.authenticate(hs512)));
    }

    @Test
    void anUnsignedTokenIsRefused() {
        String none = new PlainJWT(claims().build()).serialize();
        assertEquals(ErrorCode.UNAUTHORIZED, refusal(() -> verifier.authenticate(none)));
        // "alg":"none" with the signature of a real token still attached
        String real = TestTokens.token("alice", List.of("demo/*"), List.of());
        String[] parts = real.split("\\.");
        String forged = Base64URL.encode("{\"alg\":\"none\"}") + "." + parts[1] + "." + parts[2];
        assertEquals(ErrorCode.UNAUTHORIZED, refusal(() -> verifier.authenticate(forged)));
    }

    @Test
    void aTokenSignedWithAnotherKeyOrChangedIsRefused() throws Exception {
        String other = signed(JWSAlgorithm.HS256, "another-secret-of-at-least-thirty-two-bytes!!", claims().build());
        assertEquals(ErrorCode.UNAUTHORIZED, refusal(() -> verifier.authenticate(other)));
        String real = TestTokens.token("alice", List.of("demo/a"), List.of());
        String[] parts = real.split("\\.");
        String widened = parts[0] + "." + Base64URL.encode(new String(Base64.getUrlDecoder().decode(parts[1]),
                StandardCharsets.UTF_8).replace("demo/a", "demo/*")) + "." + parts[2];
        assertEquals(ErrorCode.UNAUTHORIZED, refusal(() -> verifier.authenticate(widened)));
    }

    @Test
    void anExpiredTokenIsTokenExpired() throws Exception {
        String expired = signed(JWSAlgorithm.HS256, TestTokens.KEY,
                claims().expirationTime(Date.from(Instant.now().minusSeconds(1))).build());
        ApiException e = assertThrows(ApiException.class, () -> verifier.authenticate(expired));
        assertEquals(ErrorCode.TOKEN_EXPIRED, e.code());
        assertTrue(e.getMessage().startsWith("token: expired at "), e.getMessage());
    }

    @Test
    void aTokenWithoutExpOrWithABadSubjectOrNotYetValidIsRefused() throws Exception {
        String noExp = signed(JWSAlgorithm.HS256, TestTokens.KEY, new JWTClaimsSet.Builder().subject("alice").build());
        String noSub = signed(JWSAlgorithm.HS256, TestTokens.KEY, claims().subject(null).build());
        String badSub = signed(JWSAlgorithm.HS256, TestTokens.KEY, claims().subject("a|b").build());
        String later = signed(JWSAlgorithm.HS256, TestTokens.KEY,
                claims().notBeforeTime(Date.from(Instant.now().plusSeconds(120))).build());
        for (String t : List.of(noExp, noSub, badSub, later)) {
            assertEquals(ErrorCode.UNAUTHORIZED, refusal(() -> verifier.authenticate(t)), t);
        }
    }

    @Test
    void theGrantsAreTheFanfareClaimsAndTopLevelOnesGrantNothing() throws Exception {
        String nested = signed(JWSAlgorithm.HS256, TestTokens.KEY, claims()
                .claim("fanfare", Map.of("subscribe", List.of("demo/*"), "publish", List.of("demo/a"))).build());
        Principal p = verifier.authenticate(nested);
        assertTrue(p.grants().maySubscribe(ChannelName.parse("demo/x")));
        assertTrue(p.grants().mayPublish(ChannelName.parse("demo/a")));
        String topLevel = signed(JWSAlgorithm.HS256, TestTokens.KEY, claims().claim("subscribe", List.of("demo/*"))
                .claim("publish", List.of("demo/a")).build());
        Principal none = verifier.authenticate(topLevel);
        assertEquals("alice", none.subject(), "a token without the fanfare claim still names its user");
        assertFalse(none.grants().maySubscribe(ChannelName.parse("demo/x")));
        assertFalse(none.grants().mayPublish(ChannelName.parse("demo/a")));
        assertTrue(none.grants().maySubscribe(ChannelName.parse("ticker/A")), "the public streams");
    }

    @Test
    void aMalformedFanfareClaimIsRefusedWithItsReason() throws Exception {
        Map<Object, String> reasons = Map.of(
                "demo/*", "fanfare: 'demo/*' (expected: an object",
                List.of("demo/*"), "fanfare: '[demo/*]' (expected: an object",
                Map.of("subscribe", "demo/*"), "fanfare.subscribe: 'demo/*' (expected: an array of channel patterns",
                Map.of("publish", List.of(7)), "fanfare.publish: '[7]' (expected: an array of channel patterns",
                Map.of("subscribe", List.of("demo")), "fanfare.subscribe: 'demo' (expected: stream/key or stream/*)",
                Map.of("subscribe", List.of("Demo/x")), "fanfare.subscribe: 'Demo/x'",
                Map.of("publish", List.of("demo/a b")), "fanfare.publish: 'demo/a b'");
        for (Map.Entry<Object, String> r : reasons.entrySet()) {
            String t = signed(JWSAlgorithm.HS256, TestTokens.KEY, claims().claim("fanfare", r.getKey()).build());
            ApiException e = assertThrows(ApiException.class, () -> verifier.authenticate(t), r.getKey()::toString);
            assertEquals(ErrorCode.UNAUTHORIZED, e.code());
            assertTrue(e.getMessage().startsWith(r.getValue()), e.getMessage());
        }
    }

    @Test
    void theConfiguredClockSkewAppliesToExpAndNbf() throws Exception {
        String expiredTenSecondsAgo = signed(JWSAlgorithm.HS256, TestTokens.KEY,
                claims().expirationTime(Date.from(Instant.now().minusSeconds(10))).build());
        String validInTenSeconds = signed(JWSAlgorithm.HS256, TestTokens.KEY,
                claims().notBeforeTime(Date.from(Instant.now().plusSeconds(10))).build());
        TokenVerifier lenient = new TokenVerifier(TestTokens.AUTH.withClockSkew(Duration.ofSeconds(30)), Clock.systemUTC());
        TokenVerifier strict = new TokenVerifier(TestTokens.AUTH.withClockSkew(Duration.ofSeconds(5)), Clock.systemUTC());
        Principal late = lenient.authenticate(expiredTenSecondsAgo);
        assertTrue(late.expiresAt().isAfter(Instant.now()), "it ends where the skew ends: " + late.expiresAt());
        assertEquals("alice", lenient.authenticate(validInTenSeconds).subject());
        assertEquals(ErrorCode.TOKEN_EXPIRED, refusal(() -> strict.authenticate(expiredTenSecondsAgo)));
        assertEquals(ErrorCode.UNAUTHORIZED, refusal(() -> strict.authenticate(validInTenSeconds)));
        assertEquals(Duration.ofSeconds(30), GatewayConfig.Auth.DEFAULTS.clockSkew());
    }

    @Test
    void issuerAndAudienceAreCheckedWhenConfigured() {
        GatewayConfig.Auth auth = TestTokens.AUTH.withIssuer("https://app.example").withAudience("fanfare");
        TokenVerifier strict = new TokenVerifier(auth, Clock.systemUTC());
        String right = new TokenIssuer(auth, Clock.systemUTC()).issue("alice", List.of(), List.of(), Duration.ofMinutes(5));
        assertEquals("alice", strict.authenticate(right).subject());
        String plain = TestTokens.token("alice", List.of(), List.of());
        assertEquals(ErrorCode.UNAUTHORIZED, refusal(() -> strict.authenticate(plain)));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "a.b", "a.b.c", "....", "eyJhbGciOiJIUzI1NiJ9.e30.", "not a token"})
    void garbageIsUnauthorized(String token) {
        assertEquals(ErrorCode.UNAUTHORIZED, refusal(() -> verifier.authenticate(token)));
    }

    @Test
    void anOverlongTokenIsRefusedUnread() {
        assertEquals(ErrorCode.UNAUTHORIZED, refusal(() -> verifier.authenticate("a".repeat(TokenVerifier.MAX_TOKEN_CHARS + 1))));
    }

    @Test
    void rsaAndEcPublicKeysVerifyRs256AndEs256SignedWithTheirPrivateKeys(@TempDir Path dir) throws Exception {
        for (Map.Entry<JWSAlgorithm, KeyPair> e : Map.of(JWSAlgorithm.RS256, Keys.rsa(), JWSAlgorithm.ES256,
                Keys.ec("secp256r1")).entrySet()) {
            Path publicKey = Keys.write(dir, e.getKey() + ".pub.pem", "PUBLIC KEY", e.getValue().getPublic().getEncoded());
            Path privateKey = Keys.write(dir, e.getKey() + ".pem", "PRIVATE KEY", e.getValue().getPrivate().getEncoded());
            GatewayConfig.Auth auth = GatewayConfig.Auth.DEFAULTS.withJwtPublicKey(publicKey);
            String token = new TokenIssuer(auth, privateKey, Clock.systemUTC()).issue("bob", List.of("demo/*"), List.of(),
                    Duration.ofMinutes(1));
            assertEquals(e.getKey(), SignedJWT.parse(token).getHeader().getAlgorithm());
            TokenVerifier rsaOrEc = new TokenVerifier(auth, Clock.systemUTC());
            assertEquals("bob", rsaOrEc.authenticate(token).subject(), e.getKey()::toString);
            // The classic confusion: HS256 "signed" with the public key as the secret.
            String confused = signed(JWSAlgorithm.HS256, Files.readString(publicKey), claims().build());
            ApiException refused = assertThrows(ApiException.class, () -> rsaOrEc.authenticate(confused));
            assertTrue(refused.getMessage().startsWith("token: signed with 'HS256' (expected: " + e.getKey()),
                    refused.getMessage());
            IllegalArgumentException cannotSign = assertThrows(IllegalArgumentException.class,
                    () -> new TokenIssuer(auth, Clock.systemUTC()));
            assertTrue(cannotSign.getMessage().startsWith("jwt-public-key: a public key cannot sign"), cannotSign.getMessage());
        }
    }

    @Test
    void aKeySetPicksTheKeyByKidAndItsAlgorithmIsTheKeysNotTheTokens(@TempDir Path dir) throws Exception {
        RSAKey rsa = new RSAKeyGenerator(2048).keyID("r1").generate();
        ECKey ec = new ECKeyGenerator(Curve.P_256).keyID("e1").generate();
        Path publicSet = Keys.write(dir, "jwks.json", new JWKSet(List.of(rsa.toPublicJWK(), ec.toPublicJWK())).toString());
        TokenVerifier bySet = new TokenVerifier(GatewayConfig.Auth.DEFAULTS.withJwks(publicSet), Clock.systemUTC());
        for (JWK key : List.of(rsa, ec)) {
            Path privateSet = Keys.write(dir, key.getKeyID() + ".json", new JWKSet(key).toString(false));
            String token = new TokenIssuer(GatewayConfig.Auth.DEFAULTS.withJwks(privateSet), Clock.systemUTC())
                    .issue("carol", List.of(), List.of("demo/*"), Duration.ofMinutes(1));
            assertEquals(key.getKeyID(), SignedJWT.parse(token).getHeader().getKeyID(), "the issuer names its key");
            assertEquals("carol", bySet.authenticate(token).subject(), key.getKeyID());
        }
        Map<String, JWSHeader> refused = Map.of(
                "kid: 'nope' (expected: a key of this gateway's key set: 'r1', 'e1')",
                new JWSHeader.Builder(JWSAlgorithm.RS256).keyID("nope").build(),
                "kid: missing (expected: the id of the key the token is signed with, one of 'r1', 'e1')",
                new JWSHeader.Builder(JWSAlgorithm.RS256).build(),
                "token: signed with 'RS256' (expected: ES256, the algorithm of this gateway's key)",
                new JWSHeader.Builder(JWSAlgorithm.RS256).keyID("e1").build());
        for (Map.Entry<String, JWSHeader> r : refused.entrySet()) {
            SignedJWT jwt = new SignedJWT(r.getValue(), claims().build());
            jwt.sign(new RSASSASigner(rsa));
            ApiException e = assertThrows(ApiException.class, () -> bySet.authenticate(jwt.serialize()));
            assertEquals(ErrorCode.UNAUTHORIZED, e.code());
            assertEquals(r.getKey(), e.getMessage());
        }
        Path single = Keys.write(dir, "single.json", new JWKSet(new RSAKeyGenerator(2048).generate()).toString(false));
        GatewayConfig.Auth one = GatewayConfig.Auth.DEFAULTS.withJwks(single);
        String noKid = new TokenIssuer(one, Clock.systemUTC()).issue("dave", List.of(), List.of(), Duration.ofMinutes(1));
        assertEquals("dave", new TokenVerifier(one, Clock.systemUTC()).authenticate(noKid).subject(), "one key needs no kid");
        IllegalArgumentException noPrivate = assertThrows(IllegalArgumentException.class,
                () -> new TokenIssuer(GatewayConfig.Auth.DEFAULTS.withJwks(publicSet), Clock.systemUTC()));
        assertTrue(noPrivate.getMessage().startsWith("jwks: no private key in "), noPrivate.getMessage());
    }

    @Test
    void aKeyThatCannotWorkIsRefusedAtStartWithItsReason(@TempDir Path dir) throws Exception {
        Path p384 = Keys.write(dir, "p384.pem", "PUBLIC KEY", Keys.ec("secp384r1").getPublic().getEncoded());
        Path notPem = Keys.write(dir, "key.txt", "not a key");
        Path oct = Keys.write(dir, "oct.json", new JWKSet(new OctetSequenceKeyGenerator(256).keyID("s").generate()).toString(false));
        Path twoWithoutKid = Keys.write(dir, "two.json", new JWKSet(List.of(new RSAKeyGenerator(2048).generate().toPublicJWK(),
                new RSAKeyGenerator(2048).keyID("b").generate().toPublicJWK())).toString());
        Map<GatewayConfig.Auth, String> reasons = Map.of(
                GatewayConfig.Auth.DEFAULTS.withJwtSecret("short"),
                "jwt-secret: 5 bytes (expected: at least 32 for HS256; e.g. openssl rand -base64 32)",
                GatewayConfig.Auth.DEFAULTS.withJwtPublicKey(dir.resolve("none.pem")), "jwt-public-key: cannot read ",
                GatewayConfig.Auth.DEFAULTS.withJwtPublicKey(notPem), "jwt-public-key: no '-----BEGIN PUBLIC KEY-----' block",
                GatewayConfig.Auth.DEFAULTS.withJwtPublicKey(p384), "jwt-public-key: an EC key on another curve (expected: P-256",
                GatewayConfig.Auth.DEFAULTS.withJwks(notPem), "jwks: " + notPem + " is not a JWK set",
                GatewayConfig.Auth.DEFAULTS.withJwks(oct), "jwks: key 's': oct (expected: RSA or EC P-256",
                GatewayConfig.Auth.DEFAULTS.withJwks(twoWithoutKid), "jwks: a key without kid in ");
        for (Map.Entry<GatewayConfig.Auth, String> r : reasons.entrySet()) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> new TokenVerifier(r.getKey(), Clock.systemUTC()), r.getValue());
            assertTrue(e.getMessage().startsWith(r.getValue()), e.getMessage());
        }
        IllegalArgumentException two = assertThrows(IllegalArgumentException.class,
                () -> TestTokens.AUTH.withJwks(oct));
        assertEquals("keys: --jwt-secret and --jwks (expected: at most one of --jwt-secret, --jwt-public-key and --jwks,"
                + " or their FANFARE_ variables)", two.getMessage());
    }

    @Test
    void theSecretIsNeverInTheConfigurationsText() {
        assertFalse(TestTokens.AUTH.toString().contains(TestTokens.KEY), TestTokens.AUTH::toString);
    }

    /** Key pairs and key files as an operator makes them with openssl. */
    static final class Keys {
        static KeyPair rsa() throws Exception {
            KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
            g.initialize(2048);
            return g.generateKeyPair();
        }

        static KeyPair ec(String curve) throws Exception {
            KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
            g.initialize(new ECGenParameterSpec(curve));
            return g.generateKeyPair();
        }

        static Path write(Path dir, String name, String kind, byte[] der) throws Exception {
            return write(dir, name, "-----BEGIN " + kind + "-----\n" + Base64.getMimeEncoder().encodeToString(der)
                    + "\n-----END " + kind + "-----\n");
        }

        static Path write(Path dir, String name, String text) throws Exception {
            return Files.writeString(dir.resolve(name), text);
        }
    }
}
