package dev.fanfare.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
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
    })
    void aMalformedOptionIsAUsageErrorNamingIt(String option, String value, String reason) {
        StringWriter err = new StringWriter();
        int exit = new CommandLine(new Main()).setErr(new PrintWriter(err)).execute(option, value.strip(), "--no-demo-feed");
        assertEquals(2, exit, err::toString);
        assertTrue(err.toString().contains(reason), err::toString);
    }

    @ParameterizedTest
    @CsvSource({"redis://127.0.0.1:6379", "rediss://cache.example:6380", "redis://cache"})
    void aWellFormedRedisAddressIsTaken(String uri) {
        Main main = new Main();
        new CommandLine(main).parseArgs("--redis", uri);
        assertEquals(uri, main.config().counters().redis().toString());
    }
}
