package dev.fanfare.gateway.auth;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fanfare.gateway.core.ChannelName;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

class ChannelGrantsTest {

    private static ChannelName c(String s) {
        return ChannelName.parse(s);
    }

    @Test
    void aKeyGrantsThatChannelAndAStreamGrantsEveryKeyAndTheWildcard() {
        ChannelGrants g = ChannelGrants.of(List.of("claps/post-1", "demo/*"), List.of("demo/news"), List.of());
        assertTrue(g.maySubscribe(c("claps/post-1")));
        assertFalse(g.maySubscribe(c("claps/post-2")));
        assertFalse(g.maySubscribe(c("claps/*")), "a key does not grant the whole stream");
        assertTrue(g.maySubscribe(c("demo/anything")));
        assertTrue(g.maySubscribe(c("demo/*")));
        assertTrue(g.mayPublish(c("demo/news")));
        assertFalse(g.mayPublish(c("demo/other")));
        assertFalse(g.mayPublish(c("claps/post-1")), "subscribe grants do not grant publish");
    }

    @Test
    void publicStreamsGrantSubscribingOnly() {
        ChannelGrants g = ChannelGrants.publicOnly(List.of("ticker"));
        assertTrue(g.maySubscribe(c("ticker/*")));
        assertTrue(g.maySubscribe(c("ticker/ACME")));
        assertFalse(g.mayPublish(c("ticker/ACME")));
        assertFalse(g.maySubscribe(c("demo/x")));
    }

    @Test
    void malformedOrTooManyPatternsAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> ChannelGrants.of(List.of("*/*"), List.of(), List.of()));
        assertThrows(IllegalArgumentException.class, () -> ChannelGrants.of(Collections.singletonList(null), List.of(), List.of()));
        assertThrows(IllegalArgumentException.class, () -> ChannelGrants.of(
                Collections.nCopies(ChannelGrants.MAX_PATTERNS + 1, "demo/a"), List.of(), List.of()));
    }
}
