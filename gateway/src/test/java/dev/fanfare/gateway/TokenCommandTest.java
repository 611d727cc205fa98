package dev.fanfare.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fanfare.gateway.auth.TokenVerifier;
import dev.fanfare.gateway.core.ChannelName;
import dev.fanfare.gateway.core.Principal;
import dev.fanfare.gateway.testing.TestTokens;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
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
        Run r = run("--auth-key", TestTokens.KEY, "--sub", "alice", "--subscribe", "demo/*", "--subscribe", "claps/post-1",
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
    void withoutAKeyOrWithABadPatternItIsAUsageErrorNamingIt() {
        Run none = run("--sub", "alice");
        assertEquals(2, none.exit());
        assertTrue(none.err().contains("auth key: none (expected: --auth-key or FANFARE_AUTH_KEY"), none.err());
        Run pattern = run("--auth-key", TestTokens.KEY, "--sub", "alice", "--subscribe", "demo");
        assertEquals(2, pattern.exit());
        assertTrue(pattern.err().contains("subscribe: 'demo' (expected: stream/key or stream/*)"), pattern.err());
        Run ttl = run("--auth-key", TestTokens.KEY, "--sub", "alice", "--ttl", "soon");
        assertEquals(2, ttl.exit());
        assertTrue(ttl.err().contains("ttl: 'soon' (expected: e.g. 90s, 15m, 1h, 7d or PT1H)"), ttl.err());
    }
}
