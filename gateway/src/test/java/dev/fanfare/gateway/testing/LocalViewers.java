package dev.fanfare.gateway.testing;

import dev.fanfare.gateway.core.ChannelName;
import dev.fanfare.gateway.core.ViewerApi;
import dev.fanfare.gateway.core.ViewerCount;
import dev.fanfare.gateway.core.ViewerCounts;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/** Viewer counts of one hub's streams (SSE and WebSocket), read at once: for handler tests. */
public final class LocalViewers implements ViewerApi {

    private final ViewerCounts counts;

    public LocalViewers(ViewerCounts counts) {
        this.counts = counts;
    }

    @Override
    public CompletionStage<List<ViewerCount>> counts(List<ChannelName> channels) {
        Map<String, int[]> streams = counts.streams();
        return CompletableFuture.completedFuture(channels.stream().map(c -> {
            int[] exact = streams.getOrDefault(c.toString(), new int[2]);
            int[] wild = c.isWildcard() ? new int[2] : streams.getOrDefault(c.stream() + "/*", new int[2]);
            return new ViewerCount(c.toString(), exact[0] + wild[0], exact[1] + wild[1], 0, 0);
        }).toList());
    }
}
