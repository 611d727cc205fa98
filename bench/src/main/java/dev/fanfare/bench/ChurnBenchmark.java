package dev.fanfare.bench;

import dev.fanfare.gateway.core.ChannelName;
import dev.fanfare.gateway.core.DeliveryPolicy;
import dev.fanfare.gateway.core.Envelopes;
import dev.fanfare.gateway.core.FanoutHub;
import dev.fanfare.gateway.core.Latencies;
import dev.fanfare.gateway.core.RingLimits;
import dev.fanfare.gateway.core.Shard;
import dev.fanfare.gateway.core.SnapshotSource;
import dev.fanfare.gateway.core.Subscriber;
import io.netty.buffer.PooledByteBufAllocator;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
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
 * A wave of disconnects: {@code subscribers} subscribers of one channel (a network blip, a node draining, a
 * hot channel's clients going at once) leave a shard in random order. One operation is all of them
 * leaving; per leave: the score divided by {@code subscribers}. What it costs grows with the channel's
 * size only if one leave is not O(1): the shard's loop is stalled meanwhile, for every channel it serves.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 5)
@Measurement(iterations = 10)
@Fork(1)
public class ChurnBenchmark {

    @Param({"1000", "10000", "50000"})
    int subscribers;

    private FanoutHub hub;
    private Shard shard;
    private List<Subscriber> leaving;

    @Setup(Level.Trial)
    public void start() {
        Executor inline = Runnable::run;
        hub = new FanoutHub(Records.LAYOUT, RingLimits.DEFAULT, new long[1], List.of(inline), SnapshotSource.NONE,
                DeliveryPolicy.DEFAULT, Latencies.NONE, loop -> NoTimers.INSTANCE, PooledByteBufAllocator.DEFAULT);
        shard = hub.shard(inline);
    }

    @Setup(Level.Invocation)
    public void subscribe() {
        List<ChannelName> channel = List.of(ChannelName.parse(Records.CHANNEL));
        leaving = new ArrayList<>(subscribers);
        for (int i = 0; i < subscribers; i++) {
            Subscriber s = new InMemoryFanoutBenchmark.Sink(Envelopes.Format.SSE, PooledByteBufAllocator.DEFAULT);
            shard.subscribe(s, channel, hub.live());
            leaving.add(s);
        }
        Collections.shuffle(leaving, new Random(subscribers));
    }

    @Benchmark
    public int leaveAll() {
        for (Subscriber s : leaving) {
            shard.remove(s);
        }
        return shard.subscribers();
    }

    @TearDown(Level.Trial)
    public void stop() {
        hub.close();
    }
}
