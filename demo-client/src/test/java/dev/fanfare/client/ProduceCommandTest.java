package dev.fanfare.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fanfare.feed.DemoFeedConfig;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class ProduceCommandTest {

    private static ProduceCommand parse(String... args) {
        ProduceCommand command = new ProduceCommand();
        new CommandLine(command).parseArgs(args);
        return command;
    }

    @Test
    void chosenFeedsRunAtTheGivenRateAndTheOthersAreOff() {
        ProduceCommand command = parse("ticker", "likes", "--rate", "7.5", "--duration", "2s", "--seed", "9",
                "--url", "http://127.0.0.1:9999");
        DemoFeedConfig config = command.config();

        assertEquals(7.5, config.tickerRate());
        assertEquals(0, config.clapRate());
        assertEquals(7.5, config.likeRate());
        assertEquals(9, config.seed());
        assertEquals(Duration.ofSeconds(2), command.duration);
        assertEquals(URI.create("http://127.0.0.1:9999"), command.url);
    }

    @Test
    void withoutRateEachFeedKeepsItsDefault() {
        DemoFeedConfig config = parse("claps", "ticker").config();
        DemoFeedConfig defaults = DemoFeedConfig.defaults();

        assertEquals(defaults.tickerRate(), config.tickerRate());
        assertEquals(defaults.clapRate(), config.clapRate());
        assertEquals(0, config.likeRate());
        assertNotEquals(1, config.burstFactor());
        assertEquals(1, parse("ticker", "--no-bursts").config().burstFactor());
    }

    @Test
    void badInputIsRejectedWithUsage() {
        StringWriter err = new StringWriter();
        CommandLine commandLine = new CommandLine(new ProduceCommand()).setErr(new PrintWriter(err));

        assertEquals(2, commandLine.execute("bogus"));
        assertTrue(err.toString().contains("bogus"), err::toString);
        assertEquals(2, commandLine.execute("ticker", "--duration", "soon"));
        assertTrue(err.toString().contains("expected: a duration such as 500ms, 30s, 2m, 1h or PT30S"),
                err::toString);
        assertEquals(2, commandLine.execute("ticker", "--rate", "-3"));
        assertTrue(err.toString().contains("tickerRate: -3 (expected: >= 0)"), err::toString);
    }

    @Test
    void unreachableGatewayCountsFailuresAndExitsWithOne() {
        StringWriter out = new StringWriter();
        // Port 1 on loopback: nothing listens there, so every request is refused at once.
        int exit = new CommandLine(new ProduceCommand()).setOut(new PrintWriter(out)).setErr(new PrintWriter(
                new StringWriter())).execute("ticker", "--rate", "50", "--duration", "300ms",
                "--url", "http://127.0.0.1:1");

        assertEquals(1, exit);
        assertTrue(out.toString().matches("(?s)produce ticker: sent=0 failed=[1-9]\\d* skipped=\\d+.*"), out::toString);
    }
}
