package dev.fanfare.gateway.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.fanfare.gateway.core.ApiException;
import dev.fanfare.gateway.core.ChannelName;
import dev.fanfare.gateway.core.ErrorCode;
import dev.fanfare.gateway.testing.Fuzz;
import java.util.List;
import java.util.Set;

/**
 * Channel names as a client writes them, one or a list (a request's, a WebSocket subscribe's):
 * a name is taken exactly as written or refused with a reason; a list is taken (within its limit)
 * or refused with the code of what is wrong, never another exception.
 */
class ChannelNameFuzzTest {

    private static final String STREAM_CHARS = "abz09_-";
    private static final String KEY_CHARS = "AZaz09._:@-*";

    @FuzzTest(maxDuration = Fuzz.DURATION)
    void aChannelIsTakenExactlyAsWrittenOrRefusedWithAReason(FuzzedDataProvider data) {
        if (data.consumeBoolean()) {
            one(name(data));
        } else {
            list(Fuzz.listOf(data, 40, () -> name(data)), data.consumeBoolean());
        }
    }

    private static String name(FuzzedDataProvider data) {
        return switch (data.consumeInt(0, 2)) {
            case 0 -> Fuzz.text(data, 140);
            case 1 -> data.pickValue(List.of("ticker", "demo")) + "/" + Fuzz.text(data, 130);
            default -> Fuzz.of(data, STREAM_CHARS, 34) + "/" + Fuzz.of(data, KEY_CHARS, 130);
        };
    }

    private static void one(String name) {
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
            assertEquals(c, RequestParamsFuzzTest.PARAMS.channel(name));
        } catch (ApiException e) {
            assertEquals(ErrorCode.BAD_CHANNEL, e.code(), "a well-formed name of a stream not served");
            assertFalse(Set.of("ticker", "demo").contains(c.stream()));
        }
    }

    private static void list(List<String> names, boolean required) {
        try {
            List<ChannelName> taken = RequestParamsFuzzTest.PARAMS.channels(names, required);
            assertTrue(taken.size() <= 32 && (!required || !taken.isEmpty()));
        } catch (ApiException e) {
            assertTrue(Set.of(ErrorCode.BAD_CHANNEL, ErrorCode.TOO_MANY_CHANNELS, ErrorCode.MISSING_CHANNEL).contains(e.code()),
                    e.code()::toString);
        }
    }
}
