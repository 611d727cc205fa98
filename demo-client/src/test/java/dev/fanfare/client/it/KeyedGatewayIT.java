package dev.fanfare.client.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.fanfare.client.Main;
import dev.fanfare.client.cli.ExitCodes;
import dev.fanfare.client.style.Style;
import dev.fanfare.gateway.testing.TestTokens;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import picocli.CommandLine;

/**
 * The command line against a gateway that checks tokens: with {@code --token} (or FANFARE_TOKEN)
 * every style shows it and follows a channel that is not public; without one it is refused and
 * says why; {@code produce} publishes the ticker with a token that grants it.
 */
class KeyedGatewayIT {

    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final ObjectMapper JSON = new ObjectMapper();

    private static GatewayFixture gateway;

    @BeforeAll
    static void startGateway() {
        gateway = GatewayFixture.keyed();
    }

    @AfterAll
    static void stop() {
        gateway.close();
    }

    private record Run(CompletableFuture<Integer> exit, StringWriter out, StringWriter err) {
    }

    private static Run start(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = Main.commandLine();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        return new Run(CompletableFuture.supplyAsync(() -> cli.execute(args)), out, err);
    }

    @ParameterizedTest
    @EnumSource(Style.class)
    void subscribeWithATokenFollowsAChannelThatIsNotPublic(Style style) throws Exception {
        String channel = GatewayFixture.uniqueChannel("keyed-" + style);
        String cursor = gateway.liveCursor(channel);
        String token = TestTokens.token("reader", List.of(channel), List.of());
        Run run = start("subscribe", "--url", gateway.url(), "--token", token, "--style", style.cliName(),
                "--channel", channel, "--cursor", cursor, "--interval", "100ms", "--count", "2");
        gateway.publish(channel, "{\"n\":1}");
        gateway.publish(channel, "{\"n\":2}");

        assertEquals(ExitCodes.OK, run.exit().get(WAIT.toSeconds(), TimeUnit.SECONDS), run.err()::toString);
        List<String> lines = run.out().toString().lines().toList();
        assertEquals(2, lines.size(), run.out()::toString);
        for (int i = 0; i < 2; i++) {
            assertEquals(i + 1, JSON.readTree(lines.get(i)).path("data").path("n").asInt(), lines::toString);
        }
    }

    @ParameterizedTest
    @EnumSource(value = Style.class, names = "AUTO", mode = EnumSource.Mode.EXCLUDE)
    void subscribeWithoutATokenIsRefusedAndSaysWhy(Style style) throws Exception {
        Run run = start("subscribe", "--url", gateway.url(), "--style", style.cliName(),
                "--channel", GatewayFixture.uniqueChannel("anonymous"), "-q");
        assertEquals(ExitCodes.FAILURE, run.exit().get(WAIT.toSeconds(), TimeUnit.SECONDS), run.err()::toString);
        assertTrue(run.err().toString().contains("unauthorized"), run.err()::toString);
    }

    @Test
    void produceWithATokenThatGrantsTheTickerPublishesIt() throws Exception {
        String token = TestTokens.token("feed", List.of(), List.of("ticker/*"));
        Run run = start("produce", "ticker", "--rate", "20", "--duration", "1s", "--no-bursts", "--url", gateway.url(),
                "--token", token);
        assertEquals(0, run.exit().get(WAIT.toSeconds(), TimeUnit.SECONDS), () -> run.out() + "\n" + run.err());
        assertTrue(run.out().toString().matches("(?s)produce ticker: sent=\\d+ failed=0 skipped=0 in .*"), run.out()::toString);
        Run refused = start("produce", "ticker", "--rate", "20", "--duration", "1s", "--no-bursts", "--url", gateway.url());
        assertEquals(1, refused.exit().get(WAIT.toSeconds(), TimeUnit.SECONDS), refused.out()::toString);
        assertTrue(refused.out().toString().matches("(?s)produce ticker: sent=0 failed=[1-9]\\d* .*"), refused.out()::toString);
    }
}
