package dev.fanfare.gateway.testing;

import dev.fanfare.gateway.core.ChannelName;
import dev.fanfare.gateway.core.EventPublisher;
import dev.fanfare.gateway.core.FanoutHub;
import dev.fanfare.gateway.core.StreamLayout;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * An event log in memory for handler tests: a publish is ingested by the hub at once, at the
 * next offset of its key's partition, stamped with the time now, as the Kafka source would hand it over.
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
        List<String> cursors = publishBatch(List.of(channel), json);
        return CompletableFuture.completedFuture(cursors.get(0));
    }

    /** Several records in one batch, as one poll of the log returns them; the cursor after each. */
    public synchronized List<String> publishBatch(List<ChannelName> channels, byte[] json) {
        List<FanoutHub.Incoming> batch = new ArrayList<>();
        List<int[]> at = new ArrayList<>();
        for (ChannelName channel : channels) {
            StreamLayout.Stream s = hub.layout().require(channel);
            byte[] key = channel.key().getBytes(StandardCharsets.UTF_8);
            int p = StreamLayout.partitionOf(key, s.partitions());
            long offset = next[s.global(p)]++;
            batch.add(new FanoutHub.Incoming(s.index(), p, offset, System.currentTimeMillis(), key, json)); // as the log stamps a record
            at.add(new int[] {s.global(p), (int) offset});
        }
        try {
            hub.ingest(batch);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        return at.stream().map(a -> hub.cursorAfter(a[0], a[1])).toList();
    }
}
