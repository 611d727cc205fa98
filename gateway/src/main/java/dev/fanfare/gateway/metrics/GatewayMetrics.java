package dev.fanfare.gateway.metrics;

import dev.fanfare.gateway.core.DisconnectReason;
import dev.fanfare.gateway.core.Disconnects;
import dev.fanfare.gateway.core.DeliveryStats;
import dev.fanfare.gateway.core.FanoutHub;
import dev.fanfare.gateway.core.Latencies;
import dev.fanfare.gateway.core.Shard;
import dev.fanfare.gateway.core.StreamLayout;
import dev.fanfare.gateway.core.Style;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.netty4.NettyAllocatorMetrics;
import io.micrometer.core.instrument.binder.system.FileDescriptorMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufAllocatorMetricProvider;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.group.ChannelGroup;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.LongConsumer;
import java.util.function.LongSupplier;
import java.util.function.ToLongFunction;

/**
 * One node's metrics, in Prometheus's registry, named {@code fanfare_*} (what each means and
 * which alerts to set: docs/OPERATIONS.md). The hot path writes plain counters the shards keep
 * ({@link DeliveryStats}); they are read here when scraped, so a delivery costs no metric call.
 * Latency is sampled by the shards (one write per batch and style).
 */
public final class GatewayMetrics implements Latencies, AutoCloseable {

    /** Histogram buckets of delivery and publish latency. */
    private static final Duration[] BUCKETS = {
        Duration.ofMillis(1), Duration.ofMillis(2), Duration.ofMillis(5), Duration.ofMillis(10), Duration.ofMillis(25),
        Duration.ofMillis(50), Duration.ofMillis(100), Duration.ofMillis(250), Duration.ofMillis(500),
        Duration.ofSeconds(1), Duration.ofMillis(2500), Duration.ofSeconds(5), Duration.ofSeconds(10)};

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    /** Listens to the JVM's collections until {@link #close}. */
    private final JvmGcMetrics gc = new JvmGcMetrics();
    private final Map<Style, Timer> latency = new EnumMap<>(Style.class);
    /** Below a millisecond too: what it measures is the node's own, on its own clock. */
    private final Timer fanout = Timer.builder("fanfare.fanout.latency")
            .description("a batch of events through one event loop: from the node's reader handing it over to the"
                    + " loop's last write and flush of it to its subscribers (every batch that had any)")
            .serviceLevelObjectives(Duration.ofNanos(100_000), Duration.ofNanos(250_000), Duration.ofNanos(500_000),
                    Duration.ofMillis(1), Duration.ofMillis(2), Duration.ofMillis(5), Duration.ofMillis(10),
                    Duration.ofMillis(25), Duration.ofMillis(50), Duration.ofMillis(100), Duration.ofMillis(250),
                    Duration.ofSeconds(1))
            .register(registry);

    /** Help text for the Netty allocator's meters, which Micrometer registers without any. */
    private static final Map<String, String> NETTY_HELP = Map.of(
            "netty.allocator.memory.used", "memory the Netty allocator holds (heap or direct)",
            "netty.allocator.memory.pinned", "memory of the Netty allocator in use by buffers (heap or direct)",
            "netty.allocator.pooled.arenas", "arenas of the pooled Netty allocator",
            "netty.allocator.pooled.cache.size", "cache sizes of the pooled Netty allocator",
            "netty.allocator.pooled.chunk.size", "chunk size of the pooled Netty allocator",
            "netty.allocator.pooled.threadlocal.caches", "thread-local caches of the pooled Netty allocator");

    public GatewayMetrics() {
        // Names Prometheus's conventions accept (promtool check metrics): help for every family,
        // CPU time in seconds as process_cpu_seconds_total, no "_count" suffix on a gauge.
        registry.config()
                .meterFilter(MeterFilter.deny(id -> id.getName().equals("process.cpu.time")))
                .meterFilter(new MeterFilter() {
                    @Override
                    public Meter.Id map(Meter.Id id) {
                        if (id.getName().equals("system.cpu.count")) {
                            return id.withName("system.cpus");
                        }
                        String help = NETTY_HELP.get(id.getName());
                        return help == null || id.getDescription() != null ? id
                                : new Meter.Id(id.getName(), Tags.of(id.getTags()), id.getBaseUnit(), help, id.getType());
                    }
                });
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
            FunctionCounter.builder("process.cpu", os, o -> o.getProcessCpuTime() / 1e9).baseUnit("seconds")
                    .description("CPU time the process used (user and system)").register(registry);
        }
        for (Style s : Style.values()) {
            latency.put(s, recordLatency("fanfare.delivery.latency",
                    "Kafka record timestamp to the event's bytes written to the client's socket (sampled)")
                    .tag("style", s.label()).register(registry));
        }
        for (String action : List.of("clap", "like", "unlike")) {
            counterAction(action, "accepted"); // there from the start, so a rate over it is 0 and not absent
        }
        new JvmMemoryMetrics().bindTo(registry);
        gc.bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ClassLoaderMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
        new FileDescriptorMetrics().bindTo(registry);
        new NettyAllocatorMetrics(PooledByteBufAllocator.DEFAULT).bindTo(registry);
        if (ByteBufAllocator.DEFAULT != PooledByteBufAllocator.DEFAULT
                && ByteBufAllocator.DEFAULT instanceof ByteBufAllocatorMetricProvider provider) {
            new NettyAllocatorMetrics(provider).bindTo(registry);
        }
    }

    public MeterRegistry registry() {
        return registry;
    }

    /** Stops listening to the JVM's collections (the only thing that outlives an unreferenced registry). */
    @Override
    public void close() {
        gc.close();
        registry.close();
    }

    @Override
    public void record(Style style, long millis) {
        latency.get(style).record(Math.max(0, millis), java.util.concurrent.TimeUnit.MILLISECONDS);
    }

    @Override
    public void fanout(long nanos) {
        fanout.record(Math.max(0, nanos), java.util.concurrent.TimeUnit.NANOSECONDS);
    }

    /** The text exposition of every metric; any thread. */
    public String scrape() {
        return registry.scrape();
    }

    /** Deliveries, bytes, flushes, conflation, catch-ups, snapshots and gaps by style; subscribers; rings. */
    public void bind(FanoutHub hub) {
        for (Style s : Style.values()) {
            shardCounter("fanfare.deliveries", "events written to clients", s, hub, st -> st.deliveries(s));
            shardCounter("fanfare.delivered.bytes", "bytes of events written to clients", s, hub, st -> st.bytes(s));
            shardCounter("fanfare.flushes", "batches flushed to clients", s, hub, st -> st.flushes(s));
            shardCounter("fanfare.conflated", "events replaced by a later one of their channel (conflation, max_rate)",
                    s, hub, st -> st.conflated(s));
            shardCounter("fanfare.catchups", "resumes and polls answered from the rings", s, hub, st -> st.catchUps(s));
            shardCounter("fanfare.snapshots", "snapshots sent on subscribe", s, hub, st -> st.snapshots(s));
            shardCounter("fanfare.gaps", "gap notices sent (a cursor older than what the node retains)", s, hub,
                    st -> st.gaps(s));
            Gauge.builder("fanfare.subscriptions", hub, h -> sum(h, shard -> shard.subscribers(s)))
                    .description("subscribers registered (long polls while parked)").tag("style", s.label())
                    .register(registry);
        }
        Gauge.builder("fanfare.ring.events", hub, h -> h.rings().events()).description("events held for polls and resumes")
                .register(registry);
        Gauge.builder("fanfare.ring.bytes", hub, h -> h.rings().bytes()).description("bytes held by the rings (budget)")
                .baseUnit("bytes").register(registry);
        FunctionCounter.builder("fanfare.ring.evictions", hub, h -> h.rings().evictions())
                .description("events let go of to stay within the ring bounds").register(registry);
        FunctionCounter.builder("fanfare.ingest.records", hub, FanoutHub::ingested).description("records ingested")
                .register(registry);
        FunctionCounter.builder("fanfare.ingest.skipped", hub, FanoutHub::skipped)
                .description("records skipped (no channel key, unreadable)").register(registry);
        FunctionCounter.builder("fanfare.ingest.not.utf8", hub, FanoutHub::repaired)
                .description("records whose value was not UTF-8 (delivered as a repaired string)").register(registry);
    }

    private void shardCounter(String name, String description, Style s, FanoutHub hub, ToLongFunction<DeliveryStats> f) {
        FunctionCounter.builder(name, hub, h -> sum(h, shard -> f.applyAsLong(shard.stats())))
                .description(description).tag("style", s.label()).register(registry);
    }

    private static double sum(FanoutHub hub, ToLongFunction<Shard> f) {
        long n = 0;
        for (Shard shard : hub.shards()) {
            n += f.applyAsLong(shard);
        }
        return n;
    }

    /**
     * Kafka consumer lag per partition: records behind the log's end, and seconds since the
     * newest record's timestamp.
     */
    public void bindIngest(StreamLayout layout, PartitionFigures source) {
        for (StreamLayout.Stream s : layout.streams()) {
            for (int p = 0; p < s.partitions(); p++) {
                int g = s.global(p);
                Gauge.builder("fanfare.ingest.lag.records", source, f -> f.lag(g))
                        .description("records behind the end of the partition, as of the last fetch")
                        .tags("topic", s.topic(), "partition", Integer.toString(p)).strongReference(true).register(registry);
                Gauge.builder("fanfare.ingest.lag.seconds", source, f -> {
                    long ts = f.newestTimestamp(g);
                    return ts <= 0 ? Double.NaN : (System.currentTimeMillis() - ts) / 1000.0;
                }).description("seconds since the newest record's timestamp read from the partition")
                        .tags("topic", s.topic(), "partition", Integer.toString(p)).strongReference(true).register(registry);
            }
        }
    }

    /** What the metrics read of the event log's reader. */
    public interface PartitionFigures {
        long lag(int global);

        long newestTimestamp(int global);
    }

    /**
     * Open connections by what they are now: {@code sse} and {@code ws} streams, and {@code http}
     * for the rest (short and long polls, publishes, the page; one connection may serve several);
     * disconnects by reason.
     */
    public void bindConnections(ChannelGroup connections, Function<Channel, String> kindOf, Disconnects disconnects) {
        for (String kind : List.of("sse", "ws", "http")) {
            Gauge.builder("fanfare.connections", connections, group -> countOf(group, kindOf, kind))
                    .description("client connections open, by what they are now (sse, ws; http: polls and the rest)")
                    .tag("style", kind).register(registry);
        }
        for (DisconnectReason r : DisconnectReason.values()) {
            FunctionCounter.builder("fanfare.disconnects", disconnects, d -> d.of(r))
                    .description("clients let go of by the node").tag("reason", r.code()).register(registry);
        }
    }

    private static double countOf(ChannelGroup group, Function<Channel, String> kindOf, String kind) {
        int n = 0;
        for (Channel ch : group) {
            if (kindOf.apply(ch).equals(kind)) {
                n++;
            }
        }
        return n;
    }

    /** A gauge of one figure, e.g. the counter worker's lag. */
    public void gauge(String name, String description, LongSupplier value) {
        // Held strongly: a gauge only weakly refers to what it reads, and nothing else holds the lambda.
        Gauge.builder(name, value, v -> v.getAsLong()).description(description).strongReference(true).register(registry);
    }

    /**
     * Kafka's own produce-to-consume, per record: its timestamp (the producer's, when it sent it) to
     * this node's reader receiving it. Beside {@code fanfare.delivery.latency}, which runs from the
     * same timestamp to the socket, it tells Kafka's share of a delivery from the node's.
     */
    public LongConsumer readLatency() {
        Timer t = recordLatency("fanfare.ingest.latency",
                "Kafka record timestamp to this node's reader receiving the record (Kafka's own produce-to-consume)")
                .register(registry);
        return ms -> t.record(Math.max(0, ms), java.util.concurrent.TimeUnit.MILLISECONDS);
    }

    /** A latency from a Kafka record's timestamp (whole milliseconds), in {@link #BUCKETS}. */
    private static Timer.Builder recordLatency(String name, String description) {
        return Timer.builder(name).description(description).serviceLevelObjectives(BUCKETS)
                .minimumExpectedValue(Duration.ofMillis(1)).maximumExpectedValue(Duration.ofSeconds(10));
    }

    /** The publish latency timer (request to Kafka's acknowledgement). */
    public Timer publishLatency() {
        return Timer.builder("fanfare.publish.latency").description("publish request to Kafka's acknowledgement")
                .serviceLevelObjectives(BUCKETS).register(registry);
    }

    /** Counter actions by action and outcome ({@code accepted} or the error code). */
    public Counter counterAction(String action, String outcome) {
        return Counter.builder("fanfare.actions").description("claps, likes and unlikes by outcome (accepted, or the error code)")
                .tags("action", action, "outcome", outcome).register(registry);
    }

    /** Publishes by outcome ({@code accepted} or the error code). */
    public Counter publish(String outcome) {
        return Counter.builder("fanfare.publishes").description("publishes by outcome").tag("outcome", outcome)
                .register(registry);
    }
}
