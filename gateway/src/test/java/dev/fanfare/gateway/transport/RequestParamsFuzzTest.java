package dev.fanfare.gateway.transport;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fanfare.gateway.core.ApiException;
import dev.fanfare.gateway.core.ChannelName;
import dev.fanfare.gateway.core.Cursors;
import dev.fanfare.gateway.core.ErrorCode;
import dev.fanfare.gateway.core.StreamLayout;
import dev.fanfare.gateway.testing.Fuzz;
import dev.fanfare.gateway.testing.LeakGuard;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.Size;

/**
 * Decoding what a client names: channel names, cursors, queries and integer parameters. Whatever
 * the text, the answer is a value or a refusal with its code, never another exception; what is
 * taken round-trips.
 */
class RequestParamsFuzzTest {

    static {
        LeakGuard.install();
    }

    private static final StreamLayout LAYOUT = StreamLayout.of(List.of("ticker", "demo"), List.of("t", "d"),
            List.of(UUID.randomUUID(), UUID.randomUUID()), List.of(3, 1));
    private static final Cursors CURSORS = new Cursors(LAYOUT);
    private static final RequestParams PARAMS = new RequestParams(LAYOUT, CURSORS, 32);

    @Property
    void aChannelNameIsTakenExactlyAsWrittenOrRefusedWithAReason(@ForAll("names") String name) {
        ChannelName c;
        try {
            c = ChannelName.parse(name);
        } catch (IllegalArgumentException refused) {
            assertFalse(refused.getMessage().isBlank());
            return;
        }
        assertEquals(name, c.toString());
        assertEquals(c, ChannelName.parse(c.toString()));
        try {
            assertEquals(c, PARAMS.channel(name));
        } catch (ApiException e) {
            assertEquals(ErrorCode.BAD_CHANNEL, e.code(), "a well-formed name of a stream not served");
            assertFalse(Set.of("ticker", "demo").contains(c.stream()));
        }
    }

    @Property
    void channelListsAreValidatedOrRefusedWithTheirCode(@ForAll @Size(max = 40) List<@net.jqwik.api.From("names") String> names,
                                                         @ForAll boolean required) {
        try {
            List<ChannelName> taken = PARAMS.channels(names, required);
            assertTrue(taken.size() <= 32 && (!required || !taken.isEmpty()));
        } catch (ApiException e) {
            assertTrue(Set.of(ErrorCode.BAD_CHANNEL, ErrorCode.TOO_MANY_CHANNELS, ErrorCode.MISSING_CHANNEL).contains(e.code()),
                    e.code()::toString);
        }
    }

    @Property
    void aCursorDecodesOrIsABadCursorAndEveryIssuedOneRoundTrips(@ForAll("cursors") String text,
                                                                  @ForAll @Size(4) List<@net.jqwik.api.constraints.LongRange(min = -1, max = Long.MAX_VALUE - 1) Long> positions) {
        // positions: -1 (unknown) or a Kafka offset, which never reaches Long.MAX_VALUE (a cursor stores offset + 1)
        try {
            long[] decoded = PARAMS.cursor(text);
            assertTrue(decoded == null || decoded.length == 4);
        } catch (ApiException e) {
            assertEquals(ErrorCode.BAD_CURSOR, e.code());
        }
        long[] v = positions.stream().mapToLong(Long::longValue).toArray();
        assertArrayEquals(v, PARAMS.cursor(CURSORS.encode(v, CURSORS.all())));
    }

    @Property
    void aQueryDecodesOrIsABadRequestAndItsIntegersAreInRangeOrRefused(@ForAll("uris") String uri) {
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
        String redacted = Credentials.redact(uri);
        List<String> tokens = query.getOrDefault(Credentials.QUERY, List.of());
        if (uri.contains("?" + Credentials.QUERY + "=") || uri.contains("&" + Credentials.QUERY + "=")) {
            assertTrue(redacted.contains(Credentials.QUERY + "=REDACTED"), redacted);
        }
        for (String t : tokens) {
            if (t.length() > 3 && !t.contains("REDACTED") && !uri.replace(Credentials.QUERY + "=" + t, "").contains(t)) {
                assertFalse(redacted.contains(Credentials.QUERY + "=" + t), () -> "token left in " + redacted);
            }
        }
    }

    @Provide
    Arbitrary<String> names() {
        return Arbitraries.oneOf(Fuzz.text(140),
                Arbitraries.of("ticker", "demo").flatMap(s -> Fuzz.text(130).map(k -> s + "/" + k)),
                Arbitraries.strings().withChars("abz09_-").ofMinLength(1).ofMaxLength(34).flatMap(s ->
                        Arbitraries.strings().withChars("AZaz09._:@-*").ofMinLength(0).ofMaxLength(130).map(k -> s + "/" + k)));
    }

    @Provide
    Arbitrary<String> cursors() {
        String real = CURSORS.encode(new long[] {1, 2, 3, 4}, CURSORS.all());
        return Arbitraries.oneOf(Fuzz.text(200),
                Arbitraries.strings().withChars("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_=")
                        .ofMaxLength(120),
                Arbitraries.integers().between(0, real.length() - 1).flatMap(i ->
                        Arbitraries.chars().map(ch -> real.substring(0, i) + ch + real.substring(i + 1))),
                Arbitraries.integers().between(0, real.length()).map(i -> real.substring(0, i)));
    }

    @Provide
    Arbitrary<String> uris() {
        return Arbitraries.oneOf(Fuzz.text(120).map(t -> "/poll?" + t),
                Fuzz.text(60).list().ofMaxSize(4).map(l -> "/sse?limit=" + String.join("&access_token=", l)),
                Arbitraries.strings().withChars("%0123456789abcdefABCDEF&=+;?").ofMaxLength(60).map(t -> "/ws?" + t));
    }
}
