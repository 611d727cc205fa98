package dev.fanfare.gateway.logging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.fanfare.gateway.core.Json;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;

/** {@code --log-format json}: what one line holds, and the levels of simplelogger.properties. */
class JsonLoggingTest {

    private static List<String> logged(Runnable logging) {
        PrintStream original = System.err;
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        try {
            logging.run();
        } finally {
            System.setErr(original);
        }
        return err.toString(StandardCharsets.UTF_8).lines().toList();
    }

    private static Logger logger(String name) {
        JsonLogging provider = new JsonLogging();
        provider.initialize();
        return provider.getLoggerFactory().getLogger(name);
    }

    @Test
    void aLineIsOneJsonObjectWithTheFormattedMessageAndTheErrorsTrace() throws Exception {
        Logger log = logger("dev.fanfare.gateway.Example");
        List<String> lines = logged(() -> {
            log.info("took {} of {}", 3, "\"quoted\"\nnext");
            log.warn("failed", new IllegalStateException("boom"));
        });
        assertEquals(2, lines.size(), lines::toString);
        JsonNode info = Json.MAPPER.readTree(lines.get(0));
        assertEquals("INFO", info.get("level").asText());
        assertEquals("dev.fanfare.gateway.Example", info.get("logger").asText());
        assertEquals("took 3 of \"quoted\"\nnext", info.get("message").asText(), "escaped, on one line");
        assertEquals(Thread.currentThread().getName(), info.get("thread").asText());
        assertTrue(info.get("ts").asText().endsWith("Z"), "ISO-8601 UTC: " + info.get("ts"));
        assertTrue(info.path("error").isMissingNode());
        JsonNode warn = Json.MAPPER.readTree(lines.get(1));
        assertEquals("WARN", warn.get("level").asText());
        assertTrue(warn.get("error").asText().startsWith("java.lang.IllegalStateException: boom"), warn::toString);
    }

    @Test
    void levelsAreThoseOfTheTextFormat() {
        // simplelogger.properties: info by default, Kafka's own loggers at warn.
        List<String> lines = logged(() -> {
            logger("dev.fanfare.gateway.Example").debug("not shown");
            logger("org.apache.kafka.clients.NetworkClient").info("not shown either");
            logger("org.apache.kafka.clients.NetworkClient").warn("shown");
        });
        assertEquals(1, lines.size(), lines::toString);
        assertTrue(lines.get(0).contains("\"message\":\"shown\""), lines::toString);
    }
}
