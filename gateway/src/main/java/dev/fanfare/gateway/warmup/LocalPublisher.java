package dev.fanfare.gateway.warmup;

import dev.fanfare.gateway.core.ChannelName;
import dev.fanfare.gateway.core.EventPublisher;
import dev.fanfare.gateway.core.FanoutHub;
import dev.fanfare.gateway.core.StreamLayout;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;

/**
 * An event log in memory, for the warm-up's private hub and for handler tests: a publish is ingested
 * by the hub at the next offset of its key's partition, as the Kafka source would hand it over, on
 * the calling thread or, given an executor, on that (as the source's own thread does).
 */
public final class LocalPublisher implements EventPublisher {

    private final FanoutHub hub;
    private final long[] next;
    private final Executor ingest;

    /** Ingests on the publishing thread. */
    public LocalPublisher(FanoutHub hub) {
        this(hub, Runnable::run);
    }

    /** Ingests on {@code ingest}: a publish from an event loop must not wait there for that loop. */
    public LocalPublisher(FanoutHub hub, Executor ingest) {
        this.hub = hub;
        this.next = new long[hub.layout().totalPartitions()];
        this.ingest = ingest;
    }

    @Override
    public CompletionStage<String> publish(ChannelName channel, byte[] json) {
        return CompletableFuture.supplyAsync(() -> publishBatch(List.of(channel), json).get(0), ingest);
    }

    /** Several records in one batch, as one poll of the log returns them; the cursor after each. */
    public synchronized List<String> publishBatch(List<ChannelName> channels, byte[] json) {
        List<FanoutHub.Incoming> batch = new ArrayList<>();
        List<int[]> at = new ArrayList<>();
        long now = System.currentTimeMillis();
        for (ChannelName channel : channels) {
            StreamLayout.Stream s = hub.layout().require(channel);
            byte[] key = channel.key().getBytes(StandardCharsets.UTF_8);
            int p = StreamLayout.partitionOf(key, s.partitions());
            long offset = next[s.global(p)]++;
            batch.add(new FanoutHub.Incoming(s.index(), p, offset, now, key, json));
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
