package dev.fanfare.gateway.core;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * Turns a record value into the {@code data} of an envelope: JSON as published when it is one
 * well-formed JSON value on one line, compacted when it spans lines (an SSE {@code data:} line may
 * not hold a newline), and a JSON string otherwise.
 */
public final class JsonPayload {

    private static final JsonFactory FACTORY = Json.MAPPER.getFactory();

    private JsonPayload() {
    }

    public static byte[] normalize(byte[] raw) {
        if (raw == null || raw.length == 0) {
            return "null".getBytes(StandardCharsets.US_ASCII);
        }
        if (isSingleJsonValue(raw)) {
            if (!hasLineBreak(raw)) {
                return raw;
            }
            try {
                return Json.MAPPER.writeValueAsBytes(Json.MAPPER.readTree(raw));
            } catch (IOException e) {
                // fall through: treat as text
            }
        }
        return text(raw);
    }

    /** The bytes as a JSON string (UTF-8 text, escaped). */
    public static byte[] text(byte[] raw) {
        try {
            return Json.MAPPER.writeValueAsBytes(new String(raw, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** True when the bytes hold exactly one well-formed JSON value. */
    public static boolean isSingleJsonValue(byte[] raw) {
        try (JsonParser p = FACTORY.createParser(raw)) {
            if (p.nextToken() == null) {
                return false;
            }
            p.skipChildren();
            return p.nextToken() == null;
        } catch (IOException e) {
            return false;
        }
    }

    private static boolean hasLineBreak(byte[] raw) {
        for (byte b : raw) {
            if (b == '\n' || b == '\r') {
                return true;
            }
        }
        return false;
    }

}
