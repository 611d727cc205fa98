package dev.fanfare.bench;

import dev.fanfare.gateway.core.ChannelName;
import dev.fanfare.gateway.core.DeliveryPolicy;
import dev.fanfare.gateway.core.DisconnectReason;
import dev.fanfare.gateway.core.Envelopes;
import dev.fanfare.gateway.core.Event;
import dev.fanfare.gateway.core.FanoutHub;
import dev.fanfare.gateway.core.Latencies;
import dev.fanfare.gateway.core.PartitionSet;
import dev.fanfare.gateway.core.RingLimits;
import dev.fanfare.gateway.core.Shard;
import dev.fanfare.gateway.core.SnapshotSource;
import dev.fanfare.gateway.core.Style;
import dev.fanfare.gateway.core.Subscriber;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.PooledByteBufAllocator;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The hub's own work for one event, without a socket: ingest (event, UTF-8 JSON check, ring append),
 * the encoding once per format, and the shard's walk over {@code subscribers} subscribers, each taking
 * a {@code retainedDuplicate} of the shared bytes as a transport does (released at once: no socket).
 * The shard's loop runs delivery inline, so one operation is one event delivered to all of them.
 * Per delivery: the score divided by {@code subscribers}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class InMemoryFanoutBenchmark {

    @Param("1000")
    int subscribers;

    @Param({"SSE", "WS"})
    Envelopes.Format format;

    /** Events per ingest: 1 is the steady state at 100/s; more is a source catching up. */
    @Param("1")
    int batch;

    private FanoutHub hub;
    private Records records;
    private Sink[] sinks;

    @Setup(Level.Trial)
    public void setUp() {
        Executor inline = Runnable::run;
        hub = new FanoutHub(Records.LAYOUT, RingLimits.DEFAULT, new long[1], List.of(inline), SnapshotSource.NONE,
                DeliveryPolicy.DEFAULT, Latencies.NONE, loop -> NoTimers.INSTANCE, PooledByteBufAllocator.DEFAULT);
        records = Records.fromZero();
        Shard shard = hub.shard(inline);
        List<ChannelName> channel = List.of(ChannelName.parse(Records.CHANNEL));
        sinks = new Sink[subscribers];
        for (int i = 0; i < subscribers; i++) {
            sinks[i] = new Sink(format, PooledByteBufAllocator.DEFAULT);
            shard.subscribe(sinks[i], channel, hub.live());
        }
    }

    @Benchmark
    public void ingestAndDeliver() throws InterruptedException {
        hub.ingest(records.next(batch));
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        long expected = hub.ingested();
        for (Sink s : sinks) {
            if (s.events != expected || s.disconnected != null) {
                throw new IllegalStateException("a subscriber got " + s.events + " of " + expected + " events"
                        + (s.disconnected != null ? ", disconnected: " + s.disconnected : ""));
            }
        }
        hub.close();
    }

    /**
     * A subscriber that takes its bytes as a transport does and drops them where a socket would send them
     * (also {@link ChurnBenchmark}'s, which publishes nothing).
     */
    static final class Sink implements Subscriber {
        private final Envelopes.Format format;
        private final ByteBufAllocator alloc;
        long events;
        long bytes;
        DisconnectReason disconnected;

        Sink(Envelopes.Format format, ByteBufAllocator alloc) {
            this.format = format;
            this.alloc = alloc;
        }

        @Override
        public Style style() {
            return format == Envelopes.Format.WS ? Style.WS : Style.SSE;
        }

        @Override
        public boolean beginBatch() {
            return true;
        }

        @Override
        public int write(Event e, PartitionSet set, String cursor, boolean snapshot, long conflated) {
            ByteBuf b = e.encode(alloc, format, set, cursor, snapshot, conflated);
            int n = b.readableBytes();
            b.release();
            events++;
            bytes += n;
            return n;
        }

        @Override
        public void writeGap(List<ChannelName> channels, String cursor) {
            throw new IllegalStateException("gap in a live benchmark: " + channels);
        }

        @Override
        public void endBatch(Runnable written) {
            if (written != null) {
                written.run();
            }
        }

        @Override
        public void disconnect(DisconnectReason reason) {
            disconnected = reason;
        }
    }
}
