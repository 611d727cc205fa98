package dev.fanfare.client.it;

import dev.fanfare.client.Main;
import dev.fanfare.client.cli.ExitCodes;
import dev.fanfare.client.report.ClientCheck;
import dev.fanfare.client.report.ResultFiles;
import dev.fanfare.client.report.RunResult;
import dev.fanfare.client.report.StyleResult;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A short bench against a real gateway: the warm-up's events reach every subscriber but are neither counted nor
 * timed, the measured ones are counted exactly, and the result says whether the client kept up; so with the lean
 * receivers (the default) and with the style clients. No timing is asserted: whether this machine's client was
 * saturated is its own business, only that it is judged.
 */
class BenchIT {

    private static GatewayFixture gateway;

    @BeforeAll
    static void startGateway() {
        gateway = new GatewayFixture();
    }

    @AfterAll
    static void stopGateway() {
        gateway.close();
    }

    @Test
    void warmUpEventsAreLeftOutAndEveryMeasuredEventIsCountedOncePerSubscriber(@TempDir Path out) throws Exception {
        for (String run : new String[] {"sse lean", "ws lean", "sse client", "ws client"}) {
            String style = run.split(" ")[0];
            StringWriter stdout = new StringWriter();
            StringWriter stderr = new StringWriter();
            CommandLine cli = Main.commandLine();
            cli.setOut(new PrintWriter(stdout, true));
            cli.setErr(new PrintWriter(stderr, true));
            Path dir = out.resolve(run.replace(' ', '-'));
            int code = cli.execute("bench", "--url", gateway.url(), "--style", style, "--receiver", run.split(" ")[1],
                    "--subscribers", "20", "--rate", "20", "--warmup", "2s", "--duration", "3s", "--out", dir.toString(),
                    "--no-progress");

            assertEquals(ExitCodes.OK, code, () -> stdout + "\n" + stderr);
            RunResult result = ResultFiles.read(dir.resolve(ResultFiles.JSON_NAME));
            assertEquals(60, result.published(), run + ": 20 events/s for 3 s measured; the 40 of the warm-up are not");
            StyleResult s = result.styles().get(0);
            assertEquals(20 * 60, s.expected(), run);
            assertEquals(s.expected(), s.delivered(), run + ": every measured event reached every subscriber");
            assertEquals(0, s.missing(), run);
            assertEquals(0, s.duplicates(), run);
            assertEquals(0, s.outOfOrder(), run);
            assertEquals(20, s.endedOnLatest(), run + ": every subscriber's last event is the last published");
            assertEquals(20, s.connectionsHeld(), run);
            assertTrue(s.bytesReceived() > 0 && s.httpRequests() >= 20, run);
            assertEquals(20 * 60, s.latency().count(), run + ": only measured events are timed");
            assertTrue(s.events() >= 20 * (60 + 40), run + ": the warm-up's events were delivered too: " + s.events());
            ClientCheck client = result.client();
            assertNotNull(client, run + ": the client's own load is judged");
            assertTrue(client.loopLagP99Millis() >= 0 && client.loopLagMaxMillis() >= client.loopLagP99Millis(), run);
            assertEquals(client.saturated(), client.reason() != null, run);
            assertTrue(stdout.toString().contains(client.saturated() ? "SATURATED" : "kept up"), stdout::toString);
            assertTrue(stdout.toString().contains("client loops: "), stdout::toString);
        }
    }
}
