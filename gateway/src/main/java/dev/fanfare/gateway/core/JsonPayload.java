package dev.fanfare.gateway.core;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Turns a payload into the {@code data} of an envelope, which is always well-formed UTF-8 JSON on
 * one line: every subscriber's client must be able to read it (RFC 6455 clients fail a connection
 * on a text frame that is not UTF-8; an SSE {@code data:} line may not hold a newline).
 *
 * <ul>
 *   <li>A UTF-8 byte order mark is dropped.</li>
 *   <li>One well-formed JSON value in strict UTF-8 stays as published, compacted when it spans lines.</li>
 *   <li>Anything else (text, several values, bytes that are not UTF-8, UTF-16) becomes a JSON
 *       string of the text, ill-formed bytes replaced by U+FFFD.</li>
 * </ul>
 * Records from other producers go through {@link #normalize}; what a client publishes through
 * {@link #fromClient}, which refuses instead of repairing.
 */
public final class JsonPayload {

    private static final JsonFactory FACTORY = Json.MAPPER.getFactory();
    private static final byte[] NULL = "null".getBytes(StandardCharsets.US_ASCII);

    private JsonPayload() {
    }

    /** A record's value as envelope data; never fails. */
    public static byte[] normalize(byte[] raw) {
        return normalize(raw, () -> { });
    }

    /**
     * A record's value as envelope data; never fails.
     *
     * @param illFormed told when the bytes were not UTF-8 (they are then carried as a repaired string)
     */
    public static byte[] normalize(byte[] raw, Runnable illFormed) {
        if (raw == null || raw.length == 0) {
            return NULL;
        }
        byte[] body = withoutBom(raw);
        if (!Utf8.isValid(body, 0)) {
            illFormed.run();
            return text(body);
        }
        byte[] json = asJson(body);
        return json != null ? json : text(body);
    }

    /**
     * A client's payload as envelope data: JSON when {@code json} (as its Content-Type said), else text.
     *
     * @throws ApiException {@link ErrorCode#BAD_ENCODING} when it is not UTF-8, {@link ErrorCode#BAD_JSON}
     *         when it should be JSON and is not one JSON value
     */
    public static byte[] fromClient(byte[] raw, boolean json) {
        byte[] body = withoutBom(raw);
        if (!Utf8.isValid(body, 0)) {
            throw new ApiException(ErrorCode.BAD_ENCODING,
                    "body: not UTF-8 (expected: UTF-8 text; JSON is UTF-8, RFC 8259)");
        }
        if (!json) {
            return text(body);
        }
        byte[] out = asJson(body);
        if (out == null) {
            throw new ApiException(ErrorCode.BAD_JSON, "body: not one JSON value with a UTF-8 form (expected: valid JSON,"
                    + " as Content-Type says, and no lone surrogate escape)");
        }
        return out;
    }

    /** The bytes, valid UTF-8, as one line of JSON; null when they are not one JSON value that has one. */
    private static byte[] asJson(byte[] body) {
        // UTF-8 JSON never holds a NUL byte: one means UTF-16 or UTF-32, which Jackson would detect and read.
        if (indexOf(body, (byte) 0) >= 0 || !isSingleJsonValue(body)) {
            return null;
        }
        if (indexOf(body, (byte) '\n') < 0 && indexOf(body, (byte) '\r') < 0) {
            return body;
        }
        try {
            byte[] compact = Json.MAPPER.writeValueAsBytes(Json.MAPPER.readTree(body));
            // An escaped lone surrogate reads as a char Jackson writes as bytes that are not UTF-8.
            return Utf8.isValid(compact, 0) ? compact : null;
        } catch (IOException e) {
            return null;
        }
    }

    /** The bytes as a JSON string (UTF-8 text, escaped; ill-formed bytes become U+FFFD). */
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

    private static byte[] withoutBom(byte[] raw) {
        return Utf8.hasBom(raw) ? Arrays.copyOfRange(raw, 3, raw.length) : raw;
    }

    private static int indexOf(byte[] b, byte wanted) {
        for (int i = 0; i < b.length; i++) {
            if (b[i] == wanted) {
                return i;
            }
        }
        return -1;
    }
}
