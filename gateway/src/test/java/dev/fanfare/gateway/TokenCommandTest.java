package dev.fanfare.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fanfare.gateway.auth.TokenVerifier;
import dev.fanfare.gateway.config.GatewayConfig;
import dev.fanfare.gateway.core.ChannelName;
import dev.fanfare.gateway.core.Principal;
import dev.fanfare.gateway.testing.TestTokens;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code fanfare token} prints what the gateway with the same key takes. */
class TokenCommandTest {

    private record Run(int exit, String out, String err) {
    }

    private static Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exit = new CommandLine(new TokenCommand()).setOut(new PrintWriter(out)).setErr(new PrintWriter(err)).execute(args);
        return new Run(exit, out.toString().strip(), err.toString());
    }

    @Test
    void printsATokenTheGatewayWithTheSameKeyTakes() {
        Run r = run("--jwt-secret", TestTokens.KEY, "--sub", "alice", "--subscribe", "demo/*", "--subscribe", "claps/post-1",
                "--publish", "demo/*", "--ttl", "1h");
        assertEquals(0, r.exit(), r.err());
        Principal p = new TokenVerifier(TestTokens.AUTH, Clock.systemUTC()).authenticate(r.out());
        assertEquals("alice", p.subject());
        assertTrue(p.grants().maySubscribe(ChannelName.parse("claps/post-1")));
        assertTrue(p.grants().mayPublish(ChannelName.parse("demo/x")));
        Duration left = Duration.between(Instant.now(), p.expiresAt());
        assertTrue(left.compareTo(Duration.ofMinutes(59)) > 0 && left.compareTo(Duration.ofMinutes(61)) < 0, left::toString);
    }

    @Test
    void withAPublicKeyItSignsWithThePrivateOneAndRefusesAPairThatDoesNotMatch(@TempDir Path dir) throws Exception {
        KeyPairGenerator rsa = KeyPairGenerator.getInstance("RSA");
        rsa.initialize(2048);
        KeyPair pair = rsa.generateKeyPair();
        Path publicKey = pem(dir.resolve("pub.pem"), "PUBLIC KEY", pair.getPublic().getEncoded());
        Path privateKey = pem(dir.resolve("key.pem"), "PRIVATE KEY", pair.getPrivate().getEncoded());
        Path otherKey = pem(dir.resolve("other.pem"), "PRIVATE KEY", rsa.generateKeyPair().getPrivate().getEncoded());

        Run r = run("--jwt-public-key", publicKey.toString(), "--jwt-private-key", privateKey.toString(), "--sub", "bob",
                "--subscribe", "demo/*");
        assertEquals(0, r.exit(), r.err());
        Principal p = new TokenVerifier(GatewayConfig.Auth.DEFAULTS.withJwtPublicKey(publicKey), Clock.systemUTC())
                .authenticate(r.out());
        assertEquals("bob", p.subject());
        Run alone = run("--jwt-public-key", publicKey.toString(), "--sub", "bob");
        assertEquals(2, alone.exit());
        assertTrue(alone.err().contains("jwt-public-key: a public key cannot sign (expected: --jwt-private-key FILE"),
                alone.err());
        Run mismatch = run("--jwt-public-key", publicKey.toString(), "--jwt-private-key", otherKey.toString(), "--sub", "bob");
        assertEquals(2, mismatch.exit());
        assertTrue(mismatch.err().contains("signing key: not the other half of the gateway's key, which would refuse the"
                + " token: token: signature not valid"), mismatch.err());
        assertEquals("", mismatch.out(), "no token printed");
        Run both = run("--jwt-secret", TestTokens.KEY, "--jwks", publicKey.toString(), "--sub", "bob");
        assertEquals(2, both.exit());
        assertTrue(both.err().contains("keys: --jwt-secret and --jwks (expected: at most one of"), both.err());
    }

    private static Path pem(Path file, String kind, byte[] der) throws Exception {
        return Files.writeString(file, "-----BEGIN " + kind + "-----\n" + Base64.getMimeEncoder().encodeToString(der)
                + "\n-----END " + kind + "-----\n");
    }

    @Test
    void withoutAKeyOrWithABadPatternItIsAUsageErrorNamingIt() {
        Run none = run("--sub", "alice");
        assertEquals(2, none.exit());
        assertTrue(none.err().contains("keys: none to sign with (expected: --jwt-secret or FANFARE_JWT_SECRET,"), none.err());
        Run pattern = run("--jwt-secret", TestTokens.KEY, "--sub", "alice", "--subscribe", "demo");
        assertEquals(2, pattern.exit());
        assertTrue(pattern.err().contains("subscribe: 'demo' (expected: stream/key or stream/*)"), pattern.err());
        Run ttl = run("--jwt-secret", TestTokens.KEY, "--sub", "alice", "--ttl", "soon");
        assertEquals(2, ttl.exit());
        assertTrue(ttl.err().contains("ttl: 'soon' (expected: e.g. 90s, 15m, 1h, 7d or PT1H)"), ttl.err());
    }
}
