package dev.fanfare.client.it;

import dev.fanfare.client.Main;
import dev.fanfare.client.cli.ExitCodes;
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
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A small compare run against a real gateway: every style gets exactly what was published. */
class CompareIT {

    private static GatewayFixture gateway;

    @BeforeAll
    static void startGateway() {
        gateway = new GatewayFixture();
    }

    @AfterAll
    static void stopGateway() {
        gateway.close();
    }

    /** What a compare command printed and returned. */
    private record Run(int code, StringWriter stdout, StringWriter stderr) {
        String output() {
            return stdout + "\n" + stderr;
        }
    }

    private static Run compare(String... args) {
        StringWriter stdout = new StringWriter();
        StringWriter stderr = new StringWriter();
        CommandLine cli = Main.commandLine();
        cli.setOut(new PrintWriter(stdout, true));
        cli.setErr(new PrintWriter(stderr, true));
        String[] command = new String[args.length + 1];
        command[0] = "compare";
        System.arraycopy(args, 0, command, 1, args.length);
        return new Run(cli.execute(command), stdout, stderr);
    }

    @Test
    void everyStyleReceivesEveryPublishedEventAndTheResultFilesSayHowMany(@TempDir Path out) throws Exception {
        Run run = compare("--url", gateway.url(), "--clients", "2", "--rate", "20", "--duration", "3s",
                "--interval", "200ms", "--out", out.toString(), "--no-progress");
        StringWriter stdout = run.stdout();

        assertEquals(ExitCodes.OK, run.code(), run::output);
        RunResult result = ResultFiles.read(out.resolve(ResultFiles.JSON_NAME));
        assertEquals(60, result.published(), "20 events/s for 3 s");
        assertEquals(0, result.publishFailures());
        assertEquals(0, result.publishDropped());
        assertEquals(List.of("short-poll", "long-poll", "sse", "ws"), result.styles().stream().map(StyleResult::style).toList());
        for (StyleResult style : result.styles()) {
            String name = style.style();
            assertEquals(2, style.clients(), name);
            assertEquals(120, style.expected(), name);
            assertEquals(style.expected(), style.delivered(), name + " delivered every event to every client");
            assertEquals(0, style.missing(), name);
            assertEquals(0, style.conflated(), name + ": no rate asked, a lossless stream: nothing conflated");
            assertEquals(2, style.endedOnLatest(), name);
            assertEquals(0, style.duplicates(), name);
            assertEquals(0, style.outOfOrder(), name);
            assertEquals(0, style.gaps(), name);
            assertEquals(120, style.latency().count(), name + " measured each delivery once");
            assertEquals(2, style.connectionsHeld(), name + " holds one connection per client");
            assertTrue(style.httpRequests() >= 2, name);
            assertTrue(style.bytesReceived() > 0, name);
            assertNotNull(style.requestsPerEvent(), name);
            assertTrue(style.latencyCdf().size() > 50, name);
        }
        StyleResult shortPoll = result.styles().get(0);
        StyleResult sse = result.styles().get(2);
        assertTrue(shortPoll.httpRequests() > sse.httpRequests(), "polling asks again and again; SSE asks once");
        assertNull(result.gatewayCpuSeconds(), "the gateway shares this JVM, so its CPU is not measured");
        assertNotNull(result.gatewayCpuNote());

        assertTrue(Files.readString(out.resolve(ResultFiles.HTML_NAME)).contains("<svg"));
        assertTrue(stdout.toString().contains("report: " + out.resolve(ResultFiles.HTML_NAME).toAbsolutePath()), stdout::toString);
        assertTrue(stdout.toString().contains("120/120"), stdout::toString);
    }

    @Test
    void withAMaximumRateEveryStyleEndsOnTheLastEventAndWhatWasReplacedIsNotMissing(@TempDir Path out) throws Exception {
        Run run = compare("--url", gateway.url(), "--clients", "2", "--rate", "20", "--duration", "3s",
                "--interval", "200ms", "--max-rate", "2", "--styles", "short-poll,long-poll,sse,ws,auto",
                "--out", out.toString(), "--no-progress");

        assertEquals(ExitCodes.OK, run.code(), run::output);
        RunResult result = ResultFiles.read(out.resolve(ResultFiles.JSON_NAME));
        assertEquals(2, result.network().maxRate(), "the run's conditions record the rate");
        assertTrue(result.network().description().contains("at most 2 events/s"), result.network()::description);
        assertEquals(60, result.published());
        for (StyleResult style : result.styles()) {
            String name = style.style();
            assertEquals(style.clients(), style.endedOnLatest(), name + ": every client's last event is the last published");
            assertTrue(style.conflated() > 0, name + " got events marked conflated");
            assertTrue(style.delivered() < style.expected(), name + " got fewer events than published: " + style.delivered());
            assertEquals(0, style.missing(), name + ": each event arrived or was replaced by one that did");
            assertEquals(style.expected(), style.delivered() + style.replaced(), name);
            assertEquals(0, style.duplicates(), name);
            assertEquals(0, style.gaps(), name);
        }
        assertTrue(run.stdout().toString().contains("replaced"), run::output);
    }

    @Test
    void throughAShapedLinkAndNginxWithClientsReconnectingEveryStyleStillGetsEveryEvent(@TempDir Path out)
            throws Exception {
        Run run = compare("--url", gateway.url(), "--clients", "1", "--rate", "10", "--duration", "3s",
                "--interval", "200ms", "--rtt", "0ms,60ms", "--jitter", "5ms", "--bandwidth", "2mbit", "--proxy", "nginx",
                "--churn", "1s", "--styles", "short-poll,long-poll,sse,ws,auto", "--out", out.toString(), "--no-progress");

        assertEquals(ExitCodes.OK, run.code(), run::output);
        RunResult slow = ResultFiles.read(out.resolve("rtt-60ms").resolve(ResultFiles.JSON_NAME));
        assertEquals(60.0, slow.network().rttMillis());
        assertEquals("nginx", slow.network().proxy());
        for (StyleResult style : slow.styles()) {
            assertEquals(style.expected(), style.delivered(), style.style() + " lost nothing across reconnects");
            assertEquals(0, style.duplicates(), style.style());
            assertEquals(0, style.gaps(), style.style());
            assertTrue(style.connectionsOpened() > 1, style.style() + " reconnected: " + style.connectionsOpened());
        }
        String sweep = Files.readString(out.resolve(ResultFiles.HTML_NAME));
        assertTrue(sweep.contains("latency against RTT"), sweep);
        assertTrue(Files.exists(out.resolve(ResultFiles.SWEEP_JSON_NAME)));
    }

    @Test
    void compareFailsWithExitCodeOneWhenTheGatewayIsUnreachable(@TempDir Path out) {
        StringWriter stderr = new StringWriter();
        CommandLine cli = Main.commandLine();
        cli.setOut(new PrintWriter(new StringWriter(), true));
        cli.setErr(new PrintWriter(stderr, true));
        int code = cli.execute("compare", "--url", "http://127.0.0.1:1", "--clients", "1", "--duration", "1s",
                "--out", out.toString(), "--no-progress");
        assertEquals(ExitCodes.FAILURE, code);
        assertTrue(stderr.toString().contains("not reachable"), stderr::toString);
    }
}
