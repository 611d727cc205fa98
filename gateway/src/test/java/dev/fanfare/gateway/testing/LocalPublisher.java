package dev.fanfare.gateway.testing;

import dev.fanfare.gateway.core.ChannelName;
import dev.fanfare.gateway.core.EventPublisher;
import dev.fanfare.gateway.core.FanoutHub;
import dev.fanfare.gateway.core.StreamLayout;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * An event log in memory for handler tests: a publish is ingested by the hub at once, at the
 * next offset of its key's partition, as the Kafka source would hand it over.
 */
public final class LocalPublisher implements EventPublisher {

    private final FanoutHub hub;
    private final long[] next;

    public LocalPublisher(FanoutHub hub) {
        this.hub = hub;
        this.next = new long[hub.layout().totalPartitions()];
    }

    @Override
    public synchronized CompletionStage<String> publish(ChannelName channel, byte[] json) {
        StreamLayout.Stream s = hub.layout().require(channel);
        byte[] key = channel.key().getBytes(StandardCharsets.UTF_8);
        int p = StreamLayout.partitionOf(key, s.partitions());
        long offset = next[s.global(p)]++;
        try {
            hub.ingest(List.of(new FanoutHub.Incoming(s.index(), p, offset, 42, key, json)));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return CompletableFuture.failedFuture(e);
        }
        return CompletableFuture.completedFuture(hub.cursorAfter(s.global(p), offset));
    }
}
