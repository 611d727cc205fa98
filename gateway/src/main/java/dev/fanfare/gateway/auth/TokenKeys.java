package dev.fanfare.gateway.auth;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.MACVerifier;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jose.crypto.impl.ECDSA;
import dev.fanfare.gateway.config.GatewayConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;
import java.util.List;

/**
 * The one algorithm and key tokens are signed with, from the configuration: an HMAC secret
 * (HS256, HS384, HS512: at least as many bytes as the hash), or a PEM key for RSA (RS*, PS*) and
 * EC (ES*): the gateway verifies with the public key ({@code BEGIN PUBLIC KEY}), an issuer signs
 * with the private one ({@code BEGIN PRIVATE KEY}, PKCS#8). {@code file:PATH} reads the key from a file.
 * Every mistake is an {@link IllegalArgumentException} that names it, at start.
 */
public final class TokenKeys {

    /** What the configuration may name. */
    public static final List<JWSAlgorithm> ALGORITHMS = List.of(JWSAlgorithm.HS256, JWSAlgorithm.HS384,
            JWSAlgorithm.HS512, JWSAlgorithm.RS256, JWSAlgorithm.RS384, JWSAlgorithm.RS512, JWSAlgorithm.PS256,
            JWSAlgorithm.PS384, JWSAlgorithm.PS512, JWSAlgorithm.ES256, JWSAlgorithm.ES384, JWSAlgorithm.ES512);

    /** The prefix of a key given as a file. */
    public static final String FILE = "file:";

    private final JWSAlgorithm algorithm;
    private final String material;

    private TokenKeys(JWSAlgorithm algorithm, String material) {
        this.algorithm = algorithm;
        this.material = material;
    }

    public static TokenKeys of(GatewayConfig.Auth auth) {
        if (!auth.enabled()) {
            throw new IllegalArgumentException("auth key: none (expected: --auth-key or FANFARE_AUTH_KEY: the secret or"
                    + " PEM key tokens are signed with)");
        }
        JWSAlgorithm alg = ALGORITHMS.stream().filter(a -> a.getName().equalsIgnoreCase(auth.algorithm().strip()))
                .findFirst().orElseThrow(() -> new IllegalArgumentException("auth algorithm: '" + auth.algorithm()
                        + "' (expected: one of " + String.join(", ", ALGORITHMS.stream().map(JWSAlgorithm::getName).toList()) + ")"));
        return new TokenKeys(alg, read(auth.key()));
    }

    public JWSAlgorithm algorithm() {
        return algorithm;
    }

    /** What checks a token's signature; the key must be a secret or a public key. */
    public JWSVerifier verifier() {
        try {
            if (JWSAlgorithm.Family.HMAC_SHA.contains(algorithm)) {
                return new MACVerifier(secret());
            }
            if (JWSAlgorithm.Family.RSA.contains(algorithm)) {
                return new RSASSAVerifier((RSAPublicKey) KeyFactory.getInstance("RSA")
                        .generatePublic(new X509EncodedKeySpec(pem("PUBLIC KEY"))));
            }
            ECPublicKey key = (ECPublicKey) KeyFactory.getInstance("EC").generatePublic(new X509EncodedKeySpec(pem("PUBLIC KEY")));
            requireCurve(ECDSA.resolveAlgorithm(key));
            return new ECDSAVerifier(key);
        } catch (GeneralSecurityException | JOSEException | ClassCastException e) {
            throw new IllegalArgumentException("auth key: not a " + algorithm + " verification key (" + e.getMessage() + ")", e);
        }
    }

    /** What signs a token (the {@code token} command, tests); the key must be a secret or a private key. */
    public JWSSigner signer() {
        try {
            if (JWSAlgorithm.Family.HMAC_SHA.contains(algorithm)) {
                return new MACSigner(secret());
            }
            PKCS8EncodedKeySpec spec = new PKCS8EncodedKeySpec(pem("PRIVATE KEY"));
            if (JWSAlgorithm.Family.RSA.contains(algorithm)) {
                return new RSASSASigner(KeyFactory.getInstance("RSA").generatePrivate(spec));
            }
            ECPrivateKey key = (ECPrivateKey) KeyFactory.getInstance("EC").generatePrivate(spec);
            requireCurve(ECDSA.resolveAlgorithm(key));
            return new ECDSASigner(key);
        } catch (GeneralSecurityException | JOSEException | ClassCastException e) {
            throw new IllegalArgumentException("auth key: not a " + algorithm + " signing key (" + e.getMessage() + ")", e);
        }
    }

    private byte[] secret() {
        byte[] secret = material.getBytes(StandardCharsets.UTF_8);
        int needed = Integer.parseInt(algorithm.getName().substring(2)) / 8;
        if (secret.length < needed) {
            throw new IllegalArgumentException("auth key: " + secret.length + " bytes (expected: at least " + needed
                    + " for " + algorithm + "; e.g. openssl rand -base64 48)");
        }
        return secret;
    }

    private byte[] pem(String kind) {
        String begin = "-----BEGIN " + kind + "-----";
        String end = "-----END " + kind + "-----";
        int from = material.indexOf(begin);
        int to = material.indexOf(end);
        if (from < 0 || to < from) {
            throw new IllegalArgumentException("auth key: no '" + begin + "' block (expected: a PEM " + kind.toLowerCase()
                    + " for " + algorithm + ", or file:PATH naming one)");
        }
        try {
            return Base64.getMimeDecoder().decode(material.substring(from + begin.length(), to));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("auth key: the " + kind.toLowerCase() + " is not base64 (expected: a PEM block)");
        }
    }

    private void requireCurve(JWSAlgorithm ofKey) {
        if (!algorithm.equals(ofKey)) {
            throw new IllegalArgumentException("auth key: an EC key for " + ofKey + " (expected: one for " + algorithm + ")");
        }
    }

    /** The key as given, or the file's content for {@code file:PATH} (not {@code @}: picocli reads @files as arguments). */
    private static String read(String key) {
        if (!key.startsWith(FILE)) {
            return key;
        }
        Path file = Path.of(key.substring(FILE.length()));
        try {
            return Files.readString(file, StandardCharsets.UTF_8).strip();
        } catch (IOException e) {
            throw new IllegalArgumentException("auth key: cannot read " + file + " (" + e + ")", new UncheckedIOException(e));
        }
    }
}
