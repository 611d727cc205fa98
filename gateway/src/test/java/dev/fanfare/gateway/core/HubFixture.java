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
    final long[] next = new long[4];

    HubFixture(RingLimits limits) {
        this(limits, TICKER_ID);
    }

    HubFixture(RingLimits limits, UUID tickerId) {
        layout = StreamLayout.of(List.of("ticker", "claps"), List.of("t.ticker", "t.claps"),
                List.of(tickerId, CLAPS_ID), List.of(2, 2));
        hub = new FanoutHub(layout, limits, new long[4], List.of(loop), SnapshotSource.NONE, UnpooledByteBufAllocator.DEFAULT);
    }

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
        public boolean beginBatch() {
            return acceptBatches;
        }

        @Override
        public void write(Event e, String cursor, boolean snapshot) {
            ByteBuf b = e.shared(Envelopes.Format.JSON);
            try {
                data.add((snapshot ? "snapshot " : "") + e.channelText() + " " + new String(e.data(), StandardCharsets.UTF_8));
                cursors.add(cursor != null ? cursor : e.cursor());
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
        public void endBatch() {
            flushes++;
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
