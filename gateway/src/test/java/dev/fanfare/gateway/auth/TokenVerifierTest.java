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
    void malformedGrantsAreRefused() throws Exception {
        for (Object grant : List.<Object>of(List.of("demo"), List.of("Demo/x"), List.of("demo/a b"), "demo/*", List.of(7))) {
            String t = signed(JWSAlgorithm.HS256, TestTokens.KEY, claims().claim("subscribe", grant).build());
            assertEquals(ErrorCode.UNAUTHORIZED, refusal(() -> verifier.authenticate(t)), grant::toString);
        }
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
    void rsaAndEcKeysVerifyWithThePublicKeyAndSignWithThePrivateOne() throws Exception {
        KeyPairGenerator rsa = KeyPairGenerator.getInstance("RSA");
        rsa.initialize(2048);
        KeyPairGenerator ec = KeyPairGenerator.getInstance("EC");
        ec.initialize(new ECGenParameterSpec("secp256r1"));
        for (Map.Entry<String, KeyPair> e : Map.of("RS256", rsa.generateKeyPair(), "PS256", rsa.generateKeyPair(),
                "ES256", ec.generateKeyPair()).entrySet()) {
            GatewayConfig.Auth signing = GatewayConfig.Auth.DEFAULTS.withAlgorithm(e.getKey())
                    .withKey(pem("PRIVATE KEY", e.getValue().getPrivate().getEncoded()));
            GatewayConfig.Auth verifying = signing.withKey(pem("PUBLIC KEY", e.getValue().getPublic().getEncoded()));
            String token = new TokenIssuer(signing, Clock.systemUTC()).issue("bob", List.of("demo/*"), List.of(), Duration.ofMinutes(1));
            assertEquals("bob", new TokenVerifier(verifying, Clock.systemUTC()).authenticate(token).subject(), e.getKey());
            assertThrows(IllegalArgumentException.class, () -> new TokenVerifier(signing, Clock.systemUTC()),
                    "the gateway takes the public key: " + e.getKey());
        }
    }

    @Test
    void aKeyIsReadFromAFileNamedWithFile(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
        java.nio.file.Path file = dir.resolve("secret");
        java.nio.file.Files.writeString(file, TestTokens.KEY + "\n");
        TokenVerifier fromFile = new TokenVerifier(TestTokens.AUTH.withKey(TokenKeys.FILE + file), Clock.systemUTC());
        assertEquals("alice", fromFile.authenticate(TestTokens.token("alice", List.of(), List.of())).subject());
        IllegalArgumentException missing = assertThrows(IllegalArgumentException.class,
                () -> new TokenVerifier(TestTokens.AUTH.withKey("file:" + dir.resolve("none")), Clock.systemUTC()));
        assertTrue(missing.getMessage().startsWith("auth key: cannot read "), missing.getMessage());
    }

    @Test
    void aKeyThatCannotWorkIsRefusedAtStartWithItsReason() {
        IllegalArgumentException shortSecret = assertThrows(IllegalArgumentException.class,
                () -> new TokenVerifier(GatewayConfig.Auth.DEFAULTS.withKey("short"), Clock.systemUTC()));
        assertEquals("auth key: 5 bytes (expected: at least 32 for HS256; e.g. openssl rand -base64 48)", shortSecret.getMessage());
        IllegalArgumentException alg = assertThrows(IllegalArgumentException.class,
                () -> new TokenVerifier(TestTokens.AUTH.withAlgorithm("none"), Clock.systemUTC()));
        assertTrue(alg.getMessage().startsWith("auth algorithm: 'none' (expected: one of HS256,"), alg.getMessage());
        IllegalArgumentException pem = assertThrows(IllegalArgumentException.class,
                () -> new TokenVerifier(TestTokens.AUTH.withAlgorithm("RS256"), Clock.systemUTC()));
        assertTrue(pem.getMessage().startsWith("auth key: no '-----BEGIN PUBLIC KEY-----' block"), pem.getMessage());
    }

    private static String pem(String kind, byte[] der) {
        return "-----BEGIN " + kind + "-----\n" + Base64.getMimeEncoder().encodeToString(der) + "\n-----END " + kind + "-----\n";
    }
}
