package dev.fanfare.gateway.core;

import io.netty.buffer.ByteBufAllocator;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The fan-out core: takes records from the Kafka source, turns each into an {@link Event} encoded
 * once per wire format, keeps it in the {@link RingStore}, and hands each batch to every
 * {@link Shard} (one per event loop), which writes the shared bytes to its subscribers.
 *
 * <p>Threads: {@link #ingest} runs on the Kafka source thread only; shards run on their loops;
 * {@link #live()} may be read from anywhere.
 */
public final class FanoutHub implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(FanoutHub.class);

    /** A record as the source read it. */
    public record Incoming(int stream, int partition, long offset, long timestamp, byte[] key, byte[] value) {
    }

    private final StreamLayout layout;
    private final Cursors cursors;
    private final RingStore rings;
    private final ByteBufAllocator alloc;
    private final Shard[] shards;
    private final Map<Executor, Shard> byLoop = new IdentityHashMap<>();
    private final long[] live;
    private volatile long[] liveView;
    private long seq;
    private volatile SnapshotSource snapshots;
    private final AtomicLong skipped = new AtomicLong();
    private final AtomicLong ingested = new AtomicLong();

    /**
     * @param start per global partition, the offset the source starts reading at
     * @param loops the event loops subscribers live on; one shard each
     */
    public FanoutHub(StreamLayout layout, RingLimits limits, long[] start, Iterable<? extends Executor> loops,
                     ByteBufAllocator alloc) {
        this.layout = layout;
        this.cursors = new Cursors(layout);
        this.rings = new RingStore(layout, limits, start);
        this.alloc = alloc;
        this.live = start.clone();
        this.liveView = start.clone();
        List<Shard> list = new ArrayList<>();
        for (Executor loop : loops) {
            Shard s = new Shard(this, loop, start);
            list.add(s);
            byLoop.put(loop, s);
        }
        this.shards = list.toArray(new Shard[0]);
    }

    public StreamLayout layout() {
        return layout;
    }

    public Cursors cursors() {
        return cursors;
    }

    RingStore rings() {
        return rings;
    }

    /** Answers snapshots the rings cannot (set once at startup, before clients connect). */
    public void snapshotSource(SnapshotSource source) {
        this.snapshots = source;
    }

    SnapshotSource snapshotSource() {
        return snapshots;
    }

    ByteBufAllocator alloc() {
        return alloc;
    }

    /** The shard of an event loop. */
    public Shard shard(Executor loop) {
        Shard s = byLoop.get(loop);
        if (s == null) {
            throw new IllegalArgumentException("loop: " + loop + " (expected: one of the hub's event loops)");
        }
        return s;
    }

    /** The node's latest positions (a copy-on-write view: do not modify). */
    public long[] live() {
        return liveView;
    }

    /**
     * The cursor right after a record at {@code offset} of global partition {@code global}: that
     * position there, the node's live positions elsewhere. Any thread.
     */
    public String cursorAfter(int global, long offset) {
        long[] v = liveView.clone();
        v[global] = offset + 1;
        return cursors.encode(v);
    }

    /** Records ingested and records skipped (no usable key) since start. */
    public long ingested() {
        return ingested.get();
    }

    public long skipped() {
        return skipped.get();
    }

    /** Ingests one batch of records, in the order read. Kafka source thread only. */
    public void ingest(List<Incoming> records) {
        List<Event> batch = new ArrayList<>(records.size());
        for (Incoming r : records) {
            Event e = toEvent(r);
            if (e == null) {
                continue;
            }
            e.retain(shards.length);
            rings.append(e);
            batch.add(e);
        }
        if (batch.isEmpty()) {
            return;
        }
        liveView = live.clone();
        ingested.addAndGet(batch.size());
        for (Shard shard : shards) {
            try {
                shard.loop().execute(() -> shard.deliver(batch));
            } catch (RejectedExecutionException shuttingDown) {
                batch.forEach(Event::release);
            }
        }
    }

    private Event toEvent(Incoming r) {
        StreamLayout.Stream s = layout.streams().get(r.stream());
        int g = s.global(r.partition());
        live[g] = Math.max(live[g], r.offset() + 1);
        String key = r.key() == null ? null : new String(r.key(), StandardCharsets.UTF_8);
        if (!ChannelName.isValidKey(key)) {
            if (skipped.getAndIncrement() % 1000 == 0) {
                log.warn("skipping record {}-{}@{}: key {} is not a channel key ({} skipped so far)",
                        s.topic(), r.partition(), r.offset(), key == null ? "null" : Text.quote(key), skipped.get());
            }
            return null;
        }
        long[] vector = live.clone();
        return new Event(alloc, new ChannelName(s.name(), key), s.index(), g, r.offset(), r.timestamp(), seq++,
                vector, cursors.encode(vector), JsonPayload.normalize(r.value()));
    }

    /** Releases the rings; call after the source stopped and the loops are shut down. */
    @Override
    public void close() {
        rings.clear();
    }
}
