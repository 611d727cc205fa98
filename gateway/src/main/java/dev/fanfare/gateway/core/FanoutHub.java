package dev.fanfare.gateway.core;

import io.netty.buffer.ByteBufAllocator;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The fan-out core: takes records from the Kafka source, turns each into an {@link Event}, keeps
 * it in the {@link RingStore}, and hands each batch to every {@link Shard} (one per event loop),
 * which writes the shared bytes to its subscribers.
 *
 * <p>Bounded: at most {@link #MAX_QUEUED_BATCHES} batches wait on any one loop. When a loop is that
 * far behind, {@link #ingest} waits for it, so the source stops fetching (its thread is the one
 * waiting) until the loop catches up; Kafka holds the rest. Events never pile up in memory past
 * what the rings hold plus that many batches. A loop that is behind takes the batches waiting for
 * it together (up to {@link #MAX_MERGED_EVENTS} events) and delivers them as one: each subscriber
 * then gets one write and one flush for all of them, so a loop catches up faster the further
 * behind it is.
 *
 * <p>Threads: {@link #ingest} runs on the Kafka source thread only; shards run on their loops;
 * {@link #live()} may be read from anywhere.
 */
public final class FanoutHub implements RecordIntake, AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(FanoutHub.class);
    /** Batches queued on one loop before the source waits for it. */
    public static final int MAX_QUEUED_BATCHES = 64;
    /** Events a loop that is behind delivers as one batch at most. */
    static final int MAX_MERGED_EVENTS = 256;

    /** A record as the source read it. */
    public record Incoming(int stream, int partition, long offset, long timestamp, byte[] key, byte[] value) {
    }

    private final StreamLayout layout;
    private final Cursors cursors;
    private final RingStore rings;
    private final CatchUpReader reader;
    private final Latencies latencies;
    private final ByteBufAllocator alloc;
    private final Shard[] shards;
    private final Inbox[] inboxes;
    private final Map<Executor, Shard> byLoop = new IdentityHashMap<>();
    private final long[] live;
    private volatile long[] liveView;
    private volatile boolean closed;
    private long seq;
    private final AtomicLong skipped = new AtomicLong();
    private final AtomicLong repaired = new AtomicLong();
    /** A record value that is not UTF-8 is delivered as a string of its repaired text, and counted. */
    private final Runnable notUtf8 = repaired::incrementAndGet;
    private final AtomicLong ingested = new AtomicLong();
    private final ViewerCounts viewers = new ViewerCounts();

    /** A hub with the default delivery policy and no latency samples, on event loops. */
    public FanoutHub(StreamLayout layout, RingLimits limits, long[] start, Iterable<? extends Executor> loops,
                     SnapshotSource snapshots, ByteBufAllocator alloc) {
        this(layout, limits, start, loops, snapshots, DeliveryPolicy.DEFAULT, Latencies.NONE, Timers::of, alloc);
    }

    /**
     * @param start     per global partition, the offset the source starts reading at
     * @param loops     the event loops subscribers live on; one shard each
     * @param snapshots answers snapshots the rings cannot ({@link SnapshotSource#NONE} for none)
     * @param policy    what happens to subscribers that cannot keep up, by stream
     * @param latencies where sampled delivery latencies go
     * @param timers    each loop's clock and scheduler
     */
    public FanoutHub(StreamLayout layout, RingLimits limits, long[] start, Iterable<? extends Executor> loops,
                     SnapshotSource snapshots, DeliveryPolicy policy, Latencies latencies,
                     Function<Executor, Timers> timers, ByteBufAllocator alloc) {
        this.layout = layout;
        this.cursors = new Cursors(layout);
        this.rings = new RingStore(layout, limits, start);
        this.reader = new CatchUpReader(rings, cursors, snapshots, alloc);
        this.latencies = latencies;
        this.alloc = alloc;
        this.live = start.clone();
        this.liveView = start.clone();
        List<Shard> list = new ArrayList<>();
        for (Executor loop : loops) {
            Shard s = new Shard(loop, timers.apply(loop), reader, cursors, policy, latencies, viewers, start);
            list.add(s);
            byLoop.put(loop, s);
        }
        this.shards = list.toArray(new Shard[0]);
        this.inboxes = new Inbox[shards.length];
        for (int i = 0; i < shards.length; i++) {
            inboxes[i] = new Inbox(shards[i]);
        }
    }

    /** Who watches what on this node (SSE and WebSocket by the shards, polls by their endpoints). */
    public ViewerCounts viewers() {
        return viewers;
    }

    public StreamLayout layout() {
        return layout;
    }

    public Cursors cursors() {
        return cursors;
    }

    /** Reads catch-ups and snapshots from this hub's rings. */
    public CatchUpReader reader() {
        return reader;
    }

    /** Where sampled delivery latencies go. */
    public Latencies latencies() {
        return latencies;
    }

    /** Every shard, one per loop. */
    public List<Shard> shards() {
        return List.of(shards);
    }

    /** The store of recent events (for its figures). */
    public RingStore rings() {
        return rings;
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
    @Override
    public long[] live() {
        return liveView;
    }

    /**
     * The cursor right after a record at {@code offset} of global partition {@code global}, over
     * that partition: what subscribing to the record's channel from there needs. Any thread.
     */
    public String cursorAfter(int global, long offset) {
        long[] v = new long[live.length];
        v[global] = offset + 1;
        return cursors.encode(v, cursors.single(global));
    }

    /** Records ingested and records skipped (no usable key) since start. */
    public long ingested() {
        return ingested.get();
    }

    public long skipped() {
        return skipped.get();
    }

    /** Records whose value was not UTF-8, delivered as a JSON string of the text with U+FFFD for the bad bytes. */
    public long repaired() {
        return repaired.get();
    }

    /**
     * Ingests one batch of records, in the order read. Kafka source thread only; waits while a
     * loop has {@link #MAX_QUEUED_BATCHES} batches queued.
     *
     * @throws InterruptedException when interrupted while waiting; the batch is then dropped
     *         (the hub is closing)
     */
    @Override
    public void ingest(List<Incoming> records) throws InterruptedException {
        List<Event> batch = new ArrayList<>(records.size());
        long now = System.nanoTime();
        for (Incoming r : records) {
            Event e;
            try {
                e = toEvent(r);
            } catch (RuntimeException fault) {
                skip(r, "could not be read as an event: " + fault);
                continue;
            }
            if (e == null) {
                continue;
            }
            e.ingestedNanos = now;
            e.retain(shards.length);
            rings.append(e);
            batch.add(e);
        }
        if (batch.isEmpty()) {
            return;
        }
        liveView = live.clone();
        ingested.addAndGet(batch.size());
        for (Inbox inbox : inboxes) {
            if (!awaitRoom(inbox.permits)) {
                batch.forEach(Event::release); // closing: this shard's references go
                continue;
            }
            inbox.offer(batch);
        }
    }

    /**
     * The batches waiting for one loop, and whether a task to deliver them is on its way. The
     * source adds; the loop's task takes everything waiting (up to {@link #MAX_MERGED_EVENTS}
     * events) and delivers it as one batch.
     */
    private static final class Inbox {
        final Shard shard;
        final Semaphore permits = new Semaphore(MAX_QUEUED_BATCHES);
        final ConcurrentLinkedQueue<List<Event>> batches = new ConcurrentLinkedQueue<>();
        final AtomicBoolean scheduled = new AtomicBoolean();

        Inbox(Shard shard) {
            this.shard = shard;
        }

        /** Takes over the batch's references for this shard; a permit is held for it. */
        void offer(List<Event> batch) {
            batches.add(batch);
            if (scheduled.compareAndSet(false, true)) {
                again();
            }
        }

        private void drain() {
            List<Event> merged = null;
            boolean copied = false;
            for (List<Event> b; (b = batches.peek()) != null; ) {
                if (merged != null && merged.size() + b.size() > MAX_MERGED_EVENTS) {
                    break;
                }
                batches.poll();
                permits.release();
                if (merged == null) {
                    merged = b;
                } else {
                    if (!copied) { // every shard has the same batch lists: never change one
                        merged = new ArrayList<>(merged);
                        copied = true;
                    }
                    merged.addAll(b);
                }
            }
            try {
                if (merged != null) {
                    shard.deliver(merged);
                }
            } finally {
                if (!batches.isEmpty()) {
                    // More than one merge's worth was waiting: the rest after the loop's other work.
                    again();
                } else {
                    scheduled.set(false);
                    // A batch added after the last look but before the flag was cleared must not wait.
                    if (!batches.isEmpty() && scheduled.compareAndSet(false, true)) {
                        again();
                    }
                }
            }
        }

        private void again() {
            try {
                shard.loop().execute(this::drain);
            } catch (RejectedExecutionException shuttingDown) {
                discard();
            }
        }

        private void discard() {
            for (List<Event> b; (b = batches.poll()) != null; ) {
                permits.release();
                b.forEach(Event::release);
            }
        }
    }

    private boolean awaitRoom(Semaphore permits) throws InterruptedException {
        boolean warned = false;
        while (!closed) {
            if (permits.tryAcquire(200, TimeUnit.MILLISECONDS)) {
                return true;
            }
            if (!warned) {
                warned = true;
                log.warn("an event loop is {} batches behind; reading from Kafka waits for it", MAX_QUEUED_BATCHES);
            }
        }
        return false;
    }

    private Event toEvent(Incoming r) {
        StreamLayout.Stream s = layout.streams().get(r.stream());
        int g = s.global(r.partition());
        live[g] = Math.max(live[g], r.offset() + 1);
        String key = r.key() == null ? null : new String(r.key(), StandardCharsets.UTF_8);
        ChannelName channel = ChannelName.ofRecord(s.name(), key);
        if (channel == null) {
            skip(r, "key " + (key == null ? "null" : Text.quote(key)) + " is not a channel key");
            return null;
        }
        long[] vector = live.clone();
        return new Event(alloc, channel, s.index(), g, r.offset(), r.timestamp(), seq++,
                vector, cursors, JsonPayload.normalize(r.value(), notUtf8));
    }

    /** A record that cannot be delivered: counted, and logged once in a thousand. */
    private void skip(Incoming r, String why) {
        if (skipped.getAndIncrement() % 1000 == 0) {
            StreamLayout.Stream s = layout.streams().get(r.stream());
            log.warn("skipping record {}-{}@{}: {} ({} skipped so far)", s.topic(), r.partition(), r.offset(), why,
                    skipped.get());
        }
    }

    /** Releases the rings; call after the source stopped and the loops are shut down. */
    @Override
    public void close() {
        closed = true;
        for (Inbox inbox : inboxes) {
            inbox.discard(); // batches no loop took before it stopped
        }
        rings.clear();
    }
}
