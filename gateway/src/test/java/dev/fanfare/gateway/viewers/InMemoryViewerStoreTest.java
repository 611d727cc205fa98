package dev.fanfare.gateway.viewers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fanfare.gateway.core.ChannelName;
import dev.fanfare.gateway.core.Style;
import dev.fanfare.gateway.core.ViewerCount;
import dev.fanfare.gateway.core.ViewerCounts;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class InMemoryViewerStoreTest {

    private final AtomicLong now = new AtomicLong(1_000_000);
    private final InMemoryViewerStore store = new InMemoryViewerStore(Duration.ofSeconds(5), Duration.ofSeconds(10), now::get);

    @Test
    void streamsOfEveryLiveNodeAndTheStreamsWildcardAddUp() {
        store.report("a", Map.of("claps/p1", new int[] {2, 1}, "claps/*", new int[] {1, 0}), List.of());
        store.report("b", Map.of("claps/p1", new int[] {0, 3}), List.of());
        assertEquals(new ViewerCount("claps/p1", 3, 4, 0, 0), store.counts(List.of("claps/p1")).get(0));
        assertEquals(new ViewerCount("claps/*", 1, 0, 0, 0), store.counts(List.of("claps/*")).get(0));
    }

    @Test
    void aNodeWithoutHeartbeatDropsOutAfterTheTtl() {
        store.report("a", Map.of("claps/p1", new int[] {2, 0}), List.of());
        store.report("b", Map.of("claps/p1", new int[] {1, 0}), List.of());
        now.addAndGet(3_000);
        store.report("b", null, List.of()); // b beats on, unchanged; a is silent
        assertEquals(3, store.counts(List.of("claps/p1")).get(0).sse());
        now.addAndGet(3_000);
        store.report("b", null, List.of());
        assertEquals(1, store.counts(List.of("claps/p1")).get(0).sse(), "a's counts are gone 5 s after its last heartbeat");
    }

    @Test
    void aPollerCountsOnceWhileItKeepsPollingWithinTheWindow() {
        for (int i = 0; i < 5; i++) {
            store.report("a", null, List.of(sighting(Style.POLL, "v1", now.get()), sighting(Style.POLL, "v2", now.get())));
            store.report("b", null, List.of(sighting(Style.POLL, "v1", now.get()))); // v1's next poll, on another node
            now.addAndGet(1_000);
        }
        assertEquals(2, store.counts(List.of("claps/p1")).get(0).poll());
        now.addAndGet(10_000);
        assertEquals(0, store.counts(List.of("claps/p1")).get(0).poll(), "gone a window after the last poll");
    }

    @Test
    void changedCountsAreOfferedUntilPublishedAndForgottenOnceNobodyWatches() {
        store.report("a", Map.of("claps/p1", new int[] {1, 0}), List.of());
        List<ViewerCount> first = store.changed();
        assertEquals(List.of(new ViewerCount("claps/p1", 1, 0, 0, 0)), first);
        assertEquals(first, store.changed(), "offered again while not published");
        store.published(first.get(0));
        assertTrue(store.changed().isEmpty());
        store.report("a", Map.of(), List.of());
        ViewerCount zero = store.changed().get(0);
        assertEquals(0, zero.total(), "the drop to nobody is published too");
        store.published(zero);
        assertTrue(store.changed().isEmpty());
    }

    @Test
    void viewersChannelsNameTheChannelTheyCount() {
        ChannelName post = ChannelName.parse("claps/post-1");
        assertEquals("viewers/claps:post-1", ViewerCounts.channelOf(post).toString());
        assertEquals("viewers/ticker", ViewerCounts.channelOf(ChannelName.parse("ticker/*")).toString());
        assertEquals(post, ViewerCounts.watchedBy(ViewerCounts.channelOf(post)));
        assertEquals(ChannelName.parse("ticker/*"), ViewerCounts.watchedBy(ChannelName.parse("viewers/ticker")));
        assertNull(ViewerCounts.watchedBy(ChannelName.parse("viewers/nope:")));
    }

    private static ViewerCounts.Sighting sighting(Style style, String viewer, long until) {
        return new ViewerCounts.Sighting(style, List.of("claps/p1"), viewer, until);
    }
}
