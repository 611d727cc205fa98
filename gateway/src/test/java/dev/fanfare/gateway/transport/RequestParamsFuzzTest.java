package dev.fanfare.gateway.transport;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.fanfare.gateway.core.ApiException;
import dev.fanfare.gateway.core.Cursors;
import dev.fanfare.gateway.core.ErrorCode;
import dev.fanfare.gateway.core.StreamLayout;
import dev.fanfare.gateway.testing.Fuzz;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Decoding what a request's query carries: the query itself, its integer parameters, the token
 * kept out of the logs, and cursors. Whatever the text, the answer is a value or a refusal with
 * its code, never another exception; every cursor the gateway issues round-trips.
 */
class RequestParamsFuzzTest {

    static final StreamLayout LAYOUT = StreamLayout.of(List.of("ticker", "demo"), List.of("t", "d"),
            List.of(UUID.randomUUID(), UUID.randomUUID()), List.of(3, 1));
    static final Cursors CURSORS = new Cursors(LAYOUT);
    static final RequestParams PARAMS = new RequestParams(LAYOUT, CURSORS, 32);
    private static final String REAL_CURSOR = CURSORS.encode(new long[] {1, 2, 3, 4}, CURSORS.all());
    private static final String BASE64URL = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_=";

    @FuzzTest(maxDuration = Fuzz.DURATION)
    void aQueryOrCursorDecodesOrIsRefusedWithItsCode(FuzzedDataProvider data) {
        if (data.consumeBoolean()) {
            query(switch (data.consumeInt(0, 2)) {
                case 0 -> "/poll?" + Fuzz.text(data, 120);
                case 1 -> "/sse?limit=" + String.join("&access_token=", Fuzz.listOf(data, 4, () -> Fuzz.text(data, 60)));
                default -> "/ws?" + Fuzz.of(data, "%0123456789abcdefABCDEF&=+;?", 60);
            });
        } else {
            long[] positions = new long[4];
            for (int i = 0; i < positions.length; i++) {
                // -1 (unknown) or a Kafka offset, which never reaches Long.MAX_VALUE (a cursor stores offset + 1)
                positions[i] = data.consumeLong(-1, Long.MAX_VALUE - 1);
            }
            cursor(switch (data.consumeInt(0, 3)) {
                case 0 -> Fuzz.text(data, 200);
                case 1 -> Fuzz.of(data, BASE64URL, 120);
                case 2 -> {
                    int i = data.consumeInt(0, REAL_CURSOR.length() - 1);
                    yield REAL_CURSOR.substring(0, i) + data.consumeChar() + REAL_CURSOR.substring(i + 1);
                }
                default -> REAL_CURSOR.substring(0, data.consumeInt(0, REAL_CURSOR.length()));
            }, positions);
        }
    }

    private static void cursor(String text, long[] positions) {
        try {
            long[] decoded = PARAMS.cursor(text);
            assertTrue(decoded == null || decoded.length == 4);
        } catch (ApiException e) {
            assertEquals(ErrorCode.BAD_CURSOR, e.code());
        }
        assertArrayEquals(positions, PARAMS.cursor(CURSORS.encode(positions, CURSORS.all())));
    }

    private static void query(String uri) {
        Map<String, List<String>> query;
        try {
            query = new QueryStringDecoder(uri).parameters();
        } catch (IllegalArgumentException malformed) {
            return; // Request answers this as 400 bad_request (HttpRouterFuzzTest drives it)
        }
        try {
            int n = RequestParams.intParam(query, "limit", 100, 1, 1000);
            assertTrue(n >= 1 && n <= 1000);
        } catch (ApiException e) {
            assertEquals(ErrorCode.BAD_PARAMETER, e.code());
        }
        // What is logged: every token the gateway would take from this query is gone from it.
        String redacted = Credentials.redact(uri);
        Map<String, List<String>> logged = new QueryStringDecoder(redacted).parameters();
        assertEquals(query.keySet(), logged.keySet(), redacted);
        for (String t : logged.getOrDefault(Credentials.QUERY, List.of())) {
            assertTrue(t.isEmpty() || t.equals("REDACTED"), () -> "token left in " + redacted);
        }
    }
}
