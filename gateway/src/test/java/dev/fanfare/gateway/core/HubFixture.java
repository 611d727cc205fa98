package dev.fanfare.gateway.core;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.UnpooledByteBufAllocator;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Executor;

/** A hub over two streams of two partitions each, delivering inline on the calling thread. */
final class HubFixture implements AutoCloseable {

    static final UUID TICKER_ID = UUID.fromString("00000000-0000-0000-0000-000000000001");
    static final UUID CLAPS_ID = UUID.fromString("00000000-0000-0000-0000-000000000002");

    final Executor loop = Runnable::run;
    final StreamLayout layout;
    final FanoutHub hub;
    final long[] next;

    HubFixture(RingLimits limits) {
        this(limits, TICKER_ID);
    }

    HubFixture(RingLimits limits, UUID tickerId) {
        this(limits, tickerId, DeliveryPolicy.DEFAULT);
    }

    HubFixture(RingLimits limits, UUID tickerId, DeliveryPolicy policy) {
        this(StreamLayout.of(List.of("ticker", "claps"), List.of("t.ticker", "t.claps"),
                List.of(tickerId, CLAPS_ID), List.of(2, 2)), limits, policy);
    }

    /** A hub over any layout, its partitions starting at offset 0. */
    HubFixture(StreamLayout layout, RingLimits limits, DeliveryPolicy policy) {
        this.layout = layout;
        this.next = new long[layout.totalPartitions()];
        hub = new FanoutHub(layout, limits, new long[layout.totalPartitions()], List.of(loop), SnapshotSource.NONE,
                policy, latencies, l -> timers, UnpooledByteBufAllocator.DEFAULT);
    }

    /** A clock the test moves, and the tasks due by it. */
    static final class ManualTimers implements Timers {
        long now = 1_000_000_000L;
        private final List<long[]> dueAt = new ArrayList<>();
        private final List<Runnable> tasks = new ArrayList<>();

        @Override
        public long nanoTime() {
            return now;
        }

        @Override
        public void schedule(Runnable task, long delayNanos) {
            dueAt.add(new long[] {now + delayNanos});
            tasks.add(task);
        }

        /** Moves the clock on and runs what fell due, in order. */
        void advance(long nanos) {
            now += nanos;
            for (int i = 0; i < tasks.size(); i++) {
                if (dueAt.get(i)[0] <= now) {
                    Runnable t = tasks.remove(i);
                    dueAt.remove(i);
                    i = -1;
                    t.run();
                }
            }
        }
    }

    /** Latency samples taken, by style; and the fan-out times of batches, in nanoseconds. */
    final List<String> samples = new ArrayList<>();
    final List<Long> fanouts = new ArrayList<>();
    final Latencies latencies = new Latencies() {
        @Override
        public void record(Style style, long millis) {
            samples.add(style.label());
        }

        @Override
        public void fanout(long nanos) {
            fanouts.add(nanos);
        }
    };
    final ManualTimers timers = new ManualTimers();

    Shard shard() {
        return hub.shard(loop);
    }

    /** Publishes {@code data} on {@code stream/key} at the next offset of the key's partition. */
    void publish(String channel, String data) {
        ChannelName c = ChannelName.parse(channel);
        StreamLayout.Stream s = layout.stream(c.stream());
        byte[] key = c.key().getBytes(StandardCharsets.UTF_8);
        int p = StreamLayout.partitionOf(key, s.partitions());
        long offset = next[s.global(p)]++;
        try {
            hub.ingest(List.of(new FanoutHub.Incoming(s.index(), p, offset, 1000 + offset, key,
                    data.getBytes(StandardCharsets.UTF_8))));
        } catch (InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        hub.close();
    }

    /** Records what it is sent as readable lines: "event ticker/A {..} cursor", "gap [..]". */
    static class Recorder implements Subscriber {
        final List<String> data = new ArrayList<>();
        final List<String> cursors = new ArrayList<>();
        final List<String> gaps = new ArrayList<>();
        final List<DisconnectReason> disconnects = new ArrayList<>();
        boolean acceptBatches = true;
        int flushes;

        @Override
        public Style style() {
            return Style.SSE;
        }

        @Override
        public boolean beginBatch() {
            return acceptBatches;
        }

        @Override
        public int write(Event e, PartitionSet set, String cursor, boolean snapshot, long conflated) {
            ByteBuf b = e.encode(UnpooledByteBufAllocator.DEFAULT, Envelopes.Format.JSON, set, cursor, snapshot, conflated);
            try {
                data.add((snapshot ? "snapshot " : "") + e.channelText() + " " + new String(e.data(), StandardCharsets.UTF_8)
                        + (conflated > 0 ? " (" + conflated + " conflated)" : ""));
                cursors.add(cursor != null ? cursor : e.cursor(set));
                return b.readableBytes();
            } finally {
                b.release();
            }
        }

        @Override
        public void writeGap(List<ChannelName> channels, String cursor) {
            gaps.add(channels.toString());
            cursors.add(cursor);
        }

        @Override
        public void endBatch(Runnable written) {
            flushes++;
            if (written != null) {
                written.run();
            }
        }

        @Override
        public void disconnect(DisconnectReason reason) {
            disconnects.add(reason);
        }

        String lastCursor() {
            return cursors.get(cursors.size() - 1);
        }
    }
}
