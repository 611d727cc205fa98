package dev.fanfare.gateway.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.fanfare.gateway.testing.GatewayHttp.Answer;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * What a refusal of the gateway must look like to a client: an HTTP error with a JSON body naming
 * the problem, a WebSocket error message, a close frame; never a stack trace.
 */
public final class Refusals {

    private Refusals() {
    }

    /** A JSON error with exactly {@code error} and {@code message}, the expected code, and no stack trace. */
    public static JsonNode assertError(Answer a, int status, String code) {
        assertEquals(status, a.status(), a::body);
        assertTrue(a.headers().getOrDefault("content-type", "").startsWith("application/json"), a.headers()::toString);
        assertNoStackTrace(a.body());
        JsonNode body = a.json();
        Set<String> fields = new HashSet<>();
        body.fieldNames().forEachRemaining(fields::add);
        assertEquals(Set.of("error", "message"), fields, a::body);
        assertEquals(code, body.get("error").asText(), a::body);
        assertFalse(body.get("message").asText().isBlank(), a::body);
        return body;
    }

    public static void assertNoStackTrace(String text) {
        for (String trace : List.of("Exception", "\tat ", "at io.netty.", "at dev.fanfare.", "at java.")) {
            assertFalse(text.contains(trace), () -> "looks like a stack trace: " + text);
        }
    }

    /** A WebSocket error message: its code, its id echo (null: none) and no stack trace. */
    public static JsonNode assertErrorMessage(JsonNode m, String code, String id) {
        assertEquals("error", m.path("type").asText(), m::toString);
        assertEquals(code, m.path("code").asText(), m::toString);
        assertEquals(id, m.path("id").asText(null), m::toString);
        assertFalse(m.path("message").asText().isBlank(), m::toString);
        assertNoStackTrace(m.toString());
        return m;
    }

    /**
     * Reads to the end of the connection and returns the codes of the close frames the server sent.
     * After the first, the client half-closes, as a client does once the closing handshake is done.
     */
    public static List<Integer> closeCodes(RawWebSocket ws) {
        List<Integer> codes = new ArrayList<>();
        for (RawWebSocket.Frame f; (f = ws.readFrame()) != null; ) {
            if (f.opcode() == RawWebSocket.Frame.CLOSE) {
                codes.add(f.closeCode());
                assertNoStackTrace(f.text());
                if (codes.size() == 1) {
                    ws.shutdownOutput();
                }
            }
        }
        return codes;
    }
}
