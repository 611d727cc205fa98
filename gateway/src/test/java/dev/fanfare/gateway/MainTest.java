package dev.fanfare.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fanfare.gateway.config.GatewayConfig;
import dev.fanfare.gateway.limits.ClientLimits;
import dev.fanfare.gateway.limits.Rate;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import java.io.StringWriter;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import picocli.CommandLine;

/** Options are checked where they are read: a malformed one stops {@code fanfare run} with its reason, before anything starts. */
class MainTest {

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "--redis | localhost:6379  | has no redis:// scheme",
        "--redis | redis://:6379   | names no host",
        "--redis | redis://        | is not a URI",
        "--redis | redis://a b:1   | is not a URI",
        "--port  | 70000           | port: 70000 (expected: 0..65535)",
        "--publish-rate | fast     | rate: 'fast' (expected: N per second, or N:BURST, e.g. 20:40; 0: off)",
        "--ws-message-rate | 5:0   | burst: 0 (expected: >= 1)",
        "--trusted-proxies | proxy.local | address block: 'proxy.local' (expected: an IP address or address/bits",
        "--allowed-origins | app.example | allowed origin: 'app.example' (expected: self, localhost, * or scheme://host[:port]",
        "--public-streams | nope   | publicStreams: [nope] (expected: streams this node serves (ticker,claps,likes,demo,viewers))",
        "--jwt-secret | short      | jwt-secret: 5 bytes (expected: at least 32 for HS256",
        "--jwt-public-key | /nonexistent/key.pem | jwt-public-key: cannot read /nonexistent/key.pem",
        "--jwks | /nonexistent/jwks.json | jwks: cannot read /nonexistent/jwks.json",
        "--jwt-clock-skew | 3600   | auth.clockSkew: PT1H (expected: 0 to 5 minutes)",
        "--max-connections-per-ip | -1 | limits.connectionsPerAddress: -1 (expected: >= 0 (0: no limit))",
        "--request-timeout | 0     | requestTimeout: PT0S (expected: > 0)",
        "--ws-refusals-before-close | 0 | limits.refusalsBeforeClose: 0 (expected: >= 1)",
    })
    void aMalformedOptionIsAUsageErrorNamingIt(String option, String value, String reason) {
        StringWriter err = new StringWriter();
        int exit = new CommandLine(new Main()).setErr(new PrintWriter(err)).execute(option, value.strip(), "--no-demo-feed");
        assertEquals(2, exit, err::toString);
        assertTrue(err.toString().contains(reason), err::toString);
    }

    @Test
    void everyLimitAndAccessOptionReachesTheConfiguration() {
        Main main = new Main();
        new CommandLine(main).parseArgs("--jwks", "/etc/fanfare/jwks.json", "--jwt-issuer", "https://app.example",
                "--jwt-audience", "fanfare", "--jwt-clock-skew", "5", "--public-streams", "ticker,claps",
                "--allowed-origins", "https://app.example", "--trusted-proxies", "10.0.0.0/8", "--exempt-addresses", "",
                "--max-connections-per-ip", "7", "--publish-rate", "3", "--publish-rate-per-ip", "4:9", "--clap-rate", "5",
                "--clap-rate-per-ip", "6", "--ws-message-rate", "8", "--ws-max-channels", "40", "--ws-refusals-before-close", "3",
                "--request-timeout", "4", "--idle-timeout", "30");
        GatewayConfig c = main.config();
        assertEquals(GatewayConfig.Auth.DEFAULTS.withJwks(Path.of("/etc/fanfare/jwks.json")).withIssuer("https://app.example")
                .withAudience("fanfare").withClockSkew(Duration.ofSeconds(5)).withPublicStreams(List.of("ticker", "claps")).withAllowedOrigins(List.of("https://app.example")), c.auth());
        assertEquals(new GatewayConfig.Limits(7, new ClientLimits.Pair(new Rate(3, 6), new Rate(4, 9)),
                new ClientLimits.Pair(new Rate(5, 10), new Rate(6, 12)), new Rate(8, 16), 3, List.of("10.0.0.0/8"),
                List.of()), c.limits());
        assertEquals(40, c.webSocket().maxChannelsPerConnection());
        assertEquals(Duration.ofSeconds(4), c.http().requestTimeout());
        assertEquals(Duration.ofSeconds(30), c.http().idleTimeout());
    }

    @Test
    void withoutOptionsTheNodeIsOpenWithItsDefaultLimits() {
        Main main = new Main();
        new CommandLine(main).parseArgs();
        assertEquals(GatewayConfig.Auth.DEFAULTS, main.config().auth());
        assertEquals(GatewayConfig.Limits.DEFAULTS, main.config().limits());
        assertEquals(GatewayConfig.Http.DEFAULTS, main.config().http());
    }

    @Test
    void twoKeysAreAUsageError() {
        StringWriter err = new StringWriter();
        int exit = new CommandLine(new Main()).setErr(new PrintWriter(err)).execute("--jwt-secret",
                "a-secret-of-at-least-thirty-two-bytes!!", "--jwt-public-key", "/etc/fanfare/key.pem", "--no-demo-feed");
        assertEquals(2, exit, err::toString);
        assertTrue(err.toString().contains("keys: --jwt-secret and --jwt-public-key (expected: at most one of --jwt-secret,"
                + " --jwt-public-key and --jwks"), err::toString);
    }

    @Test
    void theDefaultPublicStreamsAreTickerClapsAndLikesOfThoseServedAndNoneIsNone() {
        Main main = new Main();
        new CommandLine(main).parseArgs();
        assertEquals(List.of("ticker", "claps", "likes"), main.config().auth().publicStreams());
        new CommandLine(main).parseArgs("--streams", "demo,ticker");
        assertEquals(List.of("ticker"), main.config().auth().publicStreams(), "the default, of the streams served");
        new CommandLine(main).parseArgs("--public-streams", "none");
        assertEquals(List.of(), main.config().auth().publicStreams());
    }

    @ParameterizedTest
    @CsvSource({"redis://127.0.0.1:6379", "rediss://cache.example:6380", "redis://cache"})
    void aWellFormedRedisAddressIsTaken(String uri) {
        Main main = new Main();
        new CommandLine(main).parseArgs("--redis", uri);
        assertEquals(uri, main.config().counters().redis().toString());
    }

    @Test
    void deliveryOptionsReachTheConfiguration() {
        Main main = new Main();
        new CommandLine(main).parseArgs("--conflate", "ticker", "--client-buffer-kb", "32", "--socket-send-buffer-kb", "8");
        assertEquals(8 * 1024, main.config().server().sendBufferBytes());
        assertEquals(java.util.Set.of("ticker"), main.config().delivery().conflatingStreams());
        assertEquals(32 * 1024, main.config().http().highWaterMark());
        assertEquals(16 * 1024, main.config().http().lowWaterMark());

        Main none = new Main();
        new CommandLine(none).parseArgs("--conflate", "none");
        assertEquals(java.util.Set.of(), none.config().delivery().conflatingStreams());

        Main defaults = new Main();
        new CommandLine(defaults).parseArgs();
        assertEquals(dev.fanfare.gateway.core.DeliveryPolicy.DEFAULT, defaults.config().delivery());
        assertEquals(GatewayConfig.Http.DEFAULTS, defaults.config().http());
        assertEquals(0, defaults.config().server().sendBufferBytes(), "the kernel sizes it");
    }

    @Test
    void anUnknownLogFormatIsAUsageErrorNamingIt() {
        StringWriter err = new StringWriter();
        int code = new CommandLine(new Main()).setErr(new PrintWriter(err)).execute("--log-format", "xml");
        assertEquals(2, code);
        assertTrue(err.toString().contains("log-format: 'xml' (expected: text or json)"), err.toString());
    }
}
