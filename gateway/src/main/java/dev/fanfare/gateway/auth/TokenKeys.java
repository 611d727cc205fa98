package dev.fanfare.gateway.auth;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.crypto.MACVerifier;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jose.crypto.impl.ECDSA;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.RSAKey;
import dev.fanfare.gateway.config.GatewayConfig;
import dev.fanfare.gateway.core.ApiException;
import dev.fanfare.gateway.core.ErrorCode;
import dev.fanfare.gateway.core.Text;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.Key;
import java.security.KeyFactory;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.InvalidKeySpecException;
import java.security.spec.KeySpec;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.text.ParseException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Function;

/**
 * The keys tokens are verified with, from the configuration, each with the one algorithm it is
 * for (a token never chooses it):
 * <ul>
 *   <li>{@code --jwt-secret}: HS256, a secret of at least {@value #MIN_SECRET_BYTES} bytes;</li>
 *   <li>{@code --jwt-public-key FILE}: a PEM public key ({@code BEGIN PUBLIC KEY}): RS256 for an
 *       RSA key, ES256 for an EC P-256 key;</li>
 *   <li>{@code --jwks FILE}: a JWK set of RSA and EC P-256 keys (RS256, ES256; keys marked for
 *       encryption are left out); a token names its key with {@code kid} (a set of one key may
 *       do without).</li>
 * </ul>
 * Every mistake is an {@link IllegalArgumentException} that names the option, at start.
 */
public final class TokenKeys {

    public static final int MIN_SECRET_BYTES = 32;

    /** One key: its id in a key set (or null), the algorithm it is for, and what checks a signature with it. */
    public record Entry(String id, JWSAlgorithm algorithm, JWSVerifier verifier) {
    }

    private final List<Entry> keys;
    private final boolean set;
    private final String described;

    private TokenKeys(List<Entry> keys, boolean set, String described) {
        this.keys = List.copyOf(keys);
        this.set = set;
        this.described = described;
    }

    /** The configured verification keys; {@code auth} must have one ({@link GatewayConfig.Auth#enabled}). */
    public static TokenKeys of(GatewayConfig.Auth auth) {
        try {
            if (auth.jwtSecret() != null) {
                return new TokenKeys(List.of(new Entry(null, JWSAlgorithm.HS256, new MACVerifier(secret(auth.jwtSecret())))),
                        false, "HS256 (--jwt-secret)");
            }
            if (auth.jwtPublicKey() != null) {
                Key key = Pem.publicKey(read("jwt-public-key", auth.jwtPublicKey()), "jwt-public-key");
                Entry e = key instanceof RSAPublicKey rsa
                        ? new Entry(null, JWSAlgorithm.RS256, new RSASSAVerifier(rsa))
                        : new Entry(null, es256("jwt-public-key", (ECPublicKey) key), new ECDSAVerifier((ECPublicKey) key));
                return new TokenKeys(List.of(e), false, e.algorithm() + " (--jwt-public-key " + auth.jwtPublicKey() + ")");
            }
        } catch (JOSEException e) {
            throw new IllegalArgumentException("jwt key: not usable (" + e.getMessage() + ")", e);
        }
        if (auth.jwks() != null) {
            return jwks(auth.jwks(), jwkSet(auth.jwks()));
        }
        throw new IllegalArgumentException("keys: none (expected: --jwt-secret, --jwt-public-key FILE or --jwks FILE,"
                + " or FANFARE_JWT_SECRET, FANFARE_JWT_PUBLIC_KEY or FANFARE_JWKS)");
    }

    /** How the node checks tokens, for its start-up line. */
    public String describe() {
        return described;
    }

    /**
     * The key a token is checked with: the one key, or in a key set the one its {@code kid}
     * names; then its algorithm must be the token's.
     *
     * @throws ApiException 401 for a key this node does not have, or another algorithm
     */
    public Entry keyFor(JWSHeader header) {
        Entry key = keys.get(0);
        if (set) {
            String kid = header.getKeyID();
            if (kid == null && keys.size() > 1) {
                throw unauthorized("kid: missing (expected: the id of the key the token is signed with, one of "
                        + ids() + ")");
            }
            if (kid != null) {
                key = keys.stream().filter(k -> kid.equals(k.id())).findFirst().orElseThrow(() -> unauthorized("kid: "
                        + Text.quote(kid) + " (expected: a key of this gateway's key set: " + ids() + ")"));
            }
        }
        if (!key.algorithm().equals(header.getAlgorithm())) {
            throw unauthorized("token: signed with " + Text.quote(header.getAlgorithm().getName()) + " (expected: "
                    + key.algorithm() + ", the algorithm of this gateway's key)");
        }
        return key;
    }

    private String ids() {
        return String.join(", ", keys.stream().map(k -> Text.quote(k.id())).limit(8).toList());
    }

    private static ApiException unauthorized(String message) {
        return new ApiException(ErrorCode.UNAUTHORIZED, message);
    }

    /** The secret's bytes; fewer than {@value #MIN_SECRET_BYTES} cannot make a safe HS256 key. */
    static byte[] secret(String secret) {
        byte[] bytes = secret.getBytes(StandardCharsets.UTF_8);
        if (bytes.length < MIN_SECRET_BYTES) {
            throw new IllegalArgumentException("jwt-secret: " + bytes.length + " bytes (expected: at least "
                    + MIN_SECRET_BYTES + " for HS256; e.g. openssl rand -base64 32)");
        }
        return bytes;
    }

    /** ES256 for a key on P-256; another curve is another algorithm, which this gateway does not take. */
    static JWSAlgorithm es256(String option, java.security.interfaces.ECKey key) {
        try {
            if (JWSAlgorithm.ES256.equals(ECDSA.resolveAlgorithm(key))) {
                return JWSAlgorithm.ES256;
            }
        } catch (JOSEException e) {
            // another curve: refused below
        }
        throw new IllegalArgumentException(option + ": an EC key on another curve (expected: P-256, for ES256)");
    }

    static String read(String option, Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalArgumentException(option + ": cannot read " + file + " (" + e + ")", e);
        }
    }

    static JWKSet jwkSet(Path file) {
        try {
            return JWKSet.parse(read("jwks", file));
        } catch (ParseException e) {
            throw new IllegalArgumentException("jwks: " + file + " is not a JWK set (" + e.getMessage()
                    + "; expected: {\"keys\":[{\"kty\":\"RSA\",\"kid\":..,\"n\":..,\"e\":..}, ...]})", e);
        }
    }

    /** The signing keys of a set: RSA (RS256) and EC P-256 (ES256); those marked for encryption are left out. */
    static List<JWK> signingKeys(Path file, JWKSet set) {
        List<JWK> keys = new ArrayList<>();
        Set<String> ids = new HashSet<>();
        for (JWK k : set.getKeys()) {
            if (KeyUse.ENCRYPTION.equals(k.getKeyUse())) {
                continue;
            }
            String name = "jwks: key " + (k.getKeyID() == null ? "#" + (keys.size() + 1) : Text.quote(k.getKeyID()));
            JWSAlgorithm alg = algorithmOf(k, name);
            if (k.getAlgorithm() != null && !alg.getName().equals(k.getAlgorithm().getName())) {
                throw new IllegalArgumentException(name + ": alg " + k.getAlgorithm() + " (expected: " + alg
                        + " for its key type, or no alg)");
            }
            if (k.getKeyID() != null && !ids.add(k.getKeyID())) {
                throw new IllegalArgumentException(name + ": twice in " + file + " (expected: each kid once)");
            }
            keys.add(k);
        }
        if (keys.isEmpty()) {
            throw new IllegalArgumentException("jwks: no signing key in " + file + " (expected: RSA or EC P-256 keys)");
        }
        if (keys.size() > 1 && keys.stream().anyMatch(k -> k.getKeyID() == null)) {
            throw new IllegalArgumentException("jwks: a key without kid in " + file
                    + " (expected: every key of a set of several named by its kid, as tokens name it)");
        }
        return keys;
    }

    static JWSAlgorithm algorithmOf(JWK k, String name) {
        if (k instanceof RSAKey) {
            return JWSAlgorithm.RS256;
        }
        if (k instanceof ECKey ec && Curve.P_256.equals(ec.getCurve())) {
            return JWSAlgorithm.ES256;
        }
        throw new IllegalArgumentException(name + ": " + k.getKeyType() + (k instanceof ECKey ec ? " " + ec.getCurve() : "")
                + " (expected: RSA or EC P-256, for RS256 or ES256; an HS256 secret goes in --jwt-secret)");
    }

    private static TokenKeys jwks(Path file, JWKSet set) {
        List<Entry> entries = new ArrayList<>();
        try {
            for (JWK k : signingKeys(file, set)) {
                JWSAlgorithm alg = algorithmOf(k, "jwks");
                entries.add(new Entry(k.getKeyID(), alg, k instanceof RSAKey rsa ? new RSASSAVerifier(rsa)
                        : new ECDSAVerifier((ECKey) k)));
            }
        } catch (JOSEException e) {
            throw new IllegalArgumentException("jwks: a key of " + file + " is not usable (" + e.getMessage() + ")", e);
        }
        return new TokenKeys(entries, true, "a JWK set (--jwks " + file + "): " + String.join(", ", entries.stream()
                .map(e -> (e.id() == null ? "" : e.id() + " ") + e.algorithm()).toList()));
    }

    /** PEM blocks as {@code openssl} writes them: {@code BEGIN PUBLIC KEY} (X.509) and {@code BEGIN PRIVATE KEY} (PKCS#8). */
    static final class Pem {
        private Pem() {
        }

        static Key publicKey(String text, String option) {
            return key(text, option, "PUBLIC KEY", X509EncodedKeySpec::new, true);
        }

        static Key privateKey(String text, String option) {
            return key(text, option, "PRIVATE KEY", PKCS8EncodedKeySpec::new, false);
        }

        private static Key key(String text, String option, String kind, Function<byte[], KeySpec> spec,
                               boolean isPublic) {
            String begin = "-----BEGIN " + kind + "-----";
            String end = "-----END " + kind + "-----";
            int from = text.indexOf(begin);
            int to = text.indexOf(end);
            if (from < 0 || to < from) {
                throw new IllegalArgumentException(option + ": no '" + begin + "' block (expected: a PEM " + kind.toLowerCase()
                        + ", RSA or EC P-256" + (isPublic ? "" : ", PKCS#8: openssl pkcs8 -topk8 -nocrypt converts one") + ")");
            }
            byte[] der;
            try {
                der = Base64.getMimeDecoder().decode(text.substring(from + begin.length(), to));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(option + ": the " + kind.toLowerCase() + " is not base64 (expected: a PEM block)");
            }
            for (String type : List.of("RSA", "EC")) {
                try {
                    KeyFactory f = KeyFactory.getInstance(type);
                    return isPublic ? f.generatePublic(spec.apply(der)) : f.generatePrivate(spec.apply(der));
                } catch (InvalidKeySpecException notThisType) {
                    // the other type, or neither
                } catch (GeneralSecurityException e) {
                    throw new IllegalStateException(e);
                }
            }
            throw new IllegalArgumentException(option + ": not an RSA or EC " + kind.toLowerCase()
                    + " (expected: RSA for RS256, or EC P-256 for ES256)");
        }
    }
}
