package dev.fanfare.client.load;

import com.fasterxml.jackson.databind.JsonNode;
import dev.fanfare.client.report.ClientCheck;
import dev.fanfare.client.report.Conditions;
import dev.fanfare.client.report.RunResult;
import dev.fanfare.client.report.StyleResult;
import dev.fanfare.client.style.ClientResources;
import dev.fanfare.client.style.GatewayAddress;
import dev.fanfare.client.style.HttpConnection;
import dev.fanfare.client.style.HttpReply;
import dev.fanfare.client.style.PermanentFailureException;
import dev.fanfare.client.style.Subscription;

import org.HdrHistogram.Histogram;

import java.io.IOException;
import java.net.InetAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;

/**
 * Runs a {@link LoadPlan}: subscribes every client from one start cursor (so each must receive every
 * event published afterwards, whenever it connected), publishes the feed at the planned rate, waits for
 * the last deliveries, and measures what each style got and what the gateway spent.
 */
public final class LoadRun {

    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(10);
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration PROXIED_READY_TIMEOUT = Duration.ofSeconds(15);
    private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(10);
    private static final long TICK_MILLIS = 250;

    private final ClientResources resources;
    private final LoadPlan plan;
    private final Progress progress;
    private final ProcessCpu cpu = ProcessCpu.system();
    private final List<ClientGroup> groups = new ArrayList<>();
    private boolean closed;

    public LoadRun(ClientResources resources, LoadPlan plan, Progress progress) {
        this.resources = resources;
        this.plan = plan;
        this.progress = progress;
    }

    public RunResult run() throws LoadRunException, InterruptedException {
        Instant startedAt = Instant.now();
        String startCursor = startCursor();
        try (Network network = Network.start(plan.network(), plan.gateway())) {
            createClients(startCursor, network.clientAddress());
            connectAll();
            Churn churn = Churn.start(plan.network().churn(), resources.controlLoop(),
                    groups.stream().flatMap(g -> g.clients().stream()).toList());

            LoopLag lag = LoopLag.watch(resources.loops());
            warmUp();
            lag.reset();
            Optional<ClientLoad> load = ClientLoad.start();

            MeasuredProcess measured = measuredProcess();
            OptionalLong pid = measured.pid();
            String cpuNote = measured.note();
            OptionalDouble cpuBefore = pid.isPresent() ? cpu.cpuSeconds(pid.getAsLong()) : OptionalDouble.empty();
            OptionalDouble ownCpuBefore = cpu.cpuSeconds(ProcessHandle.current().pid());

            Publisher publisher = new Publisher(resources, plan.gateway(), plan.channel(),
                    Publisher.connectionsFor(plan.ratePerSecond()), Math.max(1_000, (int) (plan.ratePerSecond() * 5)), false);
            long publishStart = System.nanoTime();
            publishAll(publisher);
            Histogram lagMicros = lag.sinceReset(); // while events flowed: a stall in the drain delays none
            lag.close();
            churn.stop(); // the drain waits for the last events, not for more reconnects
            double publishSeconds = (System.nanoTime() - publishStart) / 1e9;
            groups.forEach(ClientGroup::sampleConnectionsHeld);
            drain(publisher);

            OptionalDouble cpuAfter = pid.isPresent() ? cpu.cpuSeconds(pid.getAsLong()) : OptionalDouble.empty();
            OptionalDouble ownCpuAfter = cpu.cpuSeconds(ProcessHandle.current().pid());
            ClientCheck client = ClientCheck.of(load.map(ClientLoad::cores).orElse(null),
                    load.map(ClientLoad::busyPercentSinceStart).orElse(-1.0),
                    lagMicros.getValueAtPercentile(99) / 1000.0, lagMicros.getMaxValue() / 1000.0);
            closeAll(); // results read what the clients saw, so they must have stopped
            Double cpuSeconds = cpuBefore.isPresent() && cpuAfter.isPresent()
                    ? cpuAfter.getAsDouble() - cpuBefore.getAsDouble() : null;
            if (pid.isPresent() && cpuSeconds == null) {
                cpuNote = "could not read /proc/" + pid.getAsLong() + "/stat";
            }
            long latestSeq = latestSeq();
            List<StyleResult> styles = groups.stream()
                    .map(g -> g.result(publisher.ackedSeqs(), publisher.acked(), latestSeq)).toList();
            long delivered = styles.stream().mapToLong(StyleResult::delivered).sum();
            return new RunResult(plan.kind(), startedAt.toString(), machine(), plan.gateway().baseUrl(),
                    plan.channel(), plan.ratePerSecond(), publishSeconds, publisher.acked(), publisher.failed(),
                    publisher.dropped(), pid.isPresent() && cpuSeconds != null ? pid.getAsLong() : null, cpuSeconds,
                    cpuSeconds == null ? cpuNote : null, delivered / publishSeconds,
                    cpuSeconds == null || delivered == 0 ? null : cpuSeconds * 1e6 / delivered,
                    ownCpuBefore.isPresent() && ownCpuAfter.isPresent()
                            ? ownCpuAfter.getAsDouble() - ownCpuBefore.getAsDouble() : null,
                    styles, conditions(), client);
        } finally {
            progress.finish();
            closeAll();
        }
    }

    /**
     * Publishes at the planned rate for the plan's warm-up, then waits (at most the drain time) until every client
     * has received as many events: the measured phase then starts with both JITs warm and nothing queued.
     */
    private void warmUp() throws InterruptedException {
        if (plan.warmup().isZero()) {
            return;
        }
        Publisher warm = new Publisher(resources, plan.gateway(), plan.channel(),
                Publisher.connectionsFor(plan.ratePerSecond()), Math.max(1_000, (int) (plan.ratePerSecond() * 5)), true);
        publish(warm, plan.warmup(), "warm-up",
                (elapsed, seconds) -> String.format(Locale.ROOT, "published %d (not measured)", warm.acked()));
        long deadline = System.nanoTime() + plan.drainTimeout().toNanos();
        while (System.nanoTime() < deadline && groups.stream().anyMatch(g -> g.minimumEvents() < warm.acked())) {
            progress.show("warm-up", 1, "waiting for the last warm-up events");
            Thread.sleep(TICK_MILLIS); // a CLI progress loop: polling the counters is the point
        }
    }

    /** The live cursor of the channel: every client starts there, so none misses an event of the run. */
    private String startCursor() throws LoadRunException {
        JsonNode answer = pollChannel();
        String cursor = answer.path("cursor").asText("");
        if (cursor.isEmpty()) {
            throw new LoadRunException("GET /poll answered without a cursor: " + answer);
        }
        return cursor;
    }

    /** The sequence number of the channel's latest event, in Kafka's order the last published; -1 when none. */
    private long latestSeq() throws LoadRunException {
        return pollChannel().path("events").path(0).path("data").path(RunPayload.SEQ).asLong(-1);
    }

    /** A poll of the channel without a cursor: its latest event as a snapshot, and the live cursor. */
    private JsonNode pollChannel() throws LoadRunException {
        String target = GatewayAddress.target("/poll", List.of(plan.channel()));
        HttpReply reply;
        try {
            reply = HttpConnection.fetch(resources, plan.gateway(), target, REQUEST_TIMEOUT);
        } catch (IOException e) {
            throw new LoadRunException("gateway not reachable at " + plan.gateway().baseUrl() + ": " + e.getMessage(), e);
        }
        if (!reply.isSuccess()) {
            throw new LoadRunException("GET " + target + " answered " + reply.status() + " " + reply.bodyText());
        }
        try {
            return resources.json().readTree(reply.body());
        } catch (IOException e) {
            throw new LoadRunException("GET " + target + " answered non-JSON: " + reply.bodyText(), e);
        }
    }

    private Conditions conditions() {
        NetworkPlan n = plan.network();
        String proxy = n.proxy() == null ? null : n.proxy().cliName();
        String words = n.link().describe() + (n.proxy() == null ? "" : "; " + n.proxy().describe())
                + (n.churn() == null ? "" : "; every client reconnects every " + n.churn().toMillis() + " ms")
                + (plan.maxRate() == 0 ? "" : "; every client asks for at most " + plan.maxRate() + " events/s (max_rate)");
        return new Conditions(n.link().rtt().toNanos() / 1e6, n.link().jitter().toNanos() / 1e6, n.link().bitsPerSecond(),
                proxy, n.churn() == null ? null : n.churn().toMillis() / 1e3, plan.maxRate() == 0 ? null : plan.maxRate(),
                words);
    }

    private void createClients(String startCursor, GatewayAddress clientAddress) {
        Subscription base = Subscription.of(clientAddress, List.of(plan.channel()))
                .withCursor(startCursor).withPollInterval(plan.pollInterval()).withMaxRate(plan.maxRate());
        int index = 0;
        for (LoadPlan.Group g : plan.groups()) {
            ClientGroup group = new ClientGroup(g.style(), plan.maxRate() > 0, plan.receiver());
            for (int i = 0; i < g.clients(); i++) {
                group.add(resources, base.withLocalAddress(sourceAddress(index++)), plan.channel());
            }
            groups.add(group);
        }
    }

    private InetAddress sourceAddress(int index) {
        List<InetAddress> sources = plan.sourceAddresses();
        return sources.isEmpty() ? null : sources.get(index % sources.size());
    }

    /** Starts clients interleaved across styles, at most connectConcurrency connecting at once. */
    private void connectAll() throws LoadRunException, InterruptedException {
        Semaphore connecting = new Semaphore(plan.connectConcurrency());
        List<CompletableFuture<Void>> ready = new ArrayList<>();
        int total = plan.totalClients();
        int max = groups.stream().mapToInt(g -> g.clients().size()).max().orElse(0);
        for (int i = 0; i < max; i++) {
            for (ClientGroup group : groups) {
                if (i < group.clients().size()) {
                    LoadClient client = group.clients().get(i);
                    while (!connecting.tryAcquire(TICK_MILLIS, TimeUnit.MILLISECONDS)) {
                        failFastOnRefusal(ready);
                        progress.show("connect", (double) countReady(ready) / total, countReady(ready) + "/" + total + " subscribed");
                    }
                    client.start();
                    // copy(): the timeout frees the permit without failing the client's own future
                    client.ready().copy().orTimeout(READY_TIMEOUT.toSeconds(), TimeUnit.SECONDS)
                            .whenComplete((ok, error) -> connecting.release());
                    ready.add(client.ready());
                }
            }
        }
        // Through a proxy some streams show nothing until its buffer fills, and that needs events: publish anyway
        // after a while. Every client started from the run's cursor, so a late one still owes every event.
        boolean proxied = !plan.network().isDirect();
        long deadline = System.nanoTime() + (proxied ? PROXIED_READY_TIMEOUT : READY_TIMEOUT).toNanos();
        CompletableFuture<Void> all = CompletableFuture.allOf(ready.toArray(CompletableFuture[]::new));
        while (true) {
            failFastOnRefusal(ready);
            progress.show("connect", (double) countReady(ready) / total, countReady(ready) + "/" + total + " subscribed");
            try {
                all.get(TICK_MILLIS, TimeUnit.MILLISECONDS);
                return;
            } catch (TimeoutException e) {
                if (proxied && System.nanoTime() > deadline) {
                    return;
                }
                if (System.nanoTime() > deadline) {
                    throw new LoadRunException((total - countReady(ready)) + " of " + total
                            + " clients did not subscribe within " + READY_TIMEOUT.toSeconds() + " s");
                }
            } catch (ExecutionException e) {
                failFastOnRefusal(ready);
                throw new LoadRunException("a client could not subscribe: " + e.getCause().getMessage(), e.getCause());
            }
        }
    }

    private static long countReady(List<CompletableFuture<Void>> ready) {
        return ready.stream().filter(f -> f.isDone() && !f.isCompletedExceptionally()).count();
    }

    private static void failFastOnRefusal(List<CompletableFuture<Void>> ready) throws LoadRunException {
        for (CompletableFuture<Void> f : ready) {
            if (f.isCompletedExceptionally()) {
                try {
                    f.getNow(null);
                } catch (RuntimeException e) {
                    Throwable cause = e.getCause() != null ? e.getCause() : e;
                    if (cause instanceof PermanentFailureException) {
                        throw new LoadRunException("the gateway refused a subscription: " + cause.getMessage(), cause);
                    }
                }
            }
        }
    }

    private void publishAll(Publisher publisher) throws InterruptedException {
        publish(publisher, plan.duration(), "publish", (elapsed, seconds) -> String.format(Locale.ROOT,
                "%.0f/%.0f s  published %d  %s", Math.min(elapsed, seconds), seconds, publisher.acked(),
                deliveredText(publisher.acked())));
    }

    /** What the progress line says while publishing: from seconds elapsed and planned. */
    private interface Detail {
        String of(double elapsed, double seconds);
    }

    /** Runs {@code publisher} at the planned rate for {@code duration}, showing progress until every event is answered. */
    private void publish(Publisher publisher, Duration duration, String phase, Detail detail) throws InterruptedException {
        CompletableFuture<Void> done = publisher.run(plan.ratePerSecond(), duration);
        long start = System.nanoTime();
        double seconds = duration.toNanos() / 1e9;
        while (!done.isDone()) {
            double elapsed = (System.nanoTime() - start) / 1e9;
            progress.show(phase, elapsed / seconds, detail.of(elapsed, seconds));
            try {
                done.get(TICK_MILLIS, TimeUnit.MILLISECONDS);
            } catch (TimeoutException | ExecutionException e) {
                // keep reporting until publishing ends
            }
        }
    }

    /**
     * Waits until every client has every acknowledged event (or, under a maximum rate, a later one that replaced
     * it), or the drain time is over.
     */
    private void drain(Publisher publisher) throws InterruptedException {
        long acked = publisher.acked();
        long deadline = System.nanoTime() + plan.drainTimeout().toNanos();
        while (System.nanoTime() < deadline) {
            boolean allIn = groups.stream().allMatch(g -> g.minimumAccounted() >= acked);
            double fraction = groups.stream().mapToDouble(g -> fraction(g, acked)).min().orElse(1);
            progress.show("drain", fraction, deliveredText(acked));
            if (allIn) {
                return;
            }
            Thread.sleep(TICK_MILLIS); // a CLI progress loop, not a test: polling the counters is the point
        }
    }

    private String deliveredText(long acked) {
        return groups.stream()
                .map(g -> String.format(Locale.ROOT, "%s %.0f%%", g.style(), 100 * fraction(g, acked)))
                .collect(Collectors.joining("  "));
    }

    private static double fraction(ClientGroup g, long acked) {
        long expected = acked * g.clients().size();
        return expected == 0 ? 1 : Math.min(1, (double) g.totalAccounted() / expected);
    }

    private void closeAll() throws InterruptedException {
        if (closed) {
            return;
        }
        closed = true;
        List<CompletableFuture<Void>> closing = new ArrayList<>();
        for (ClientGroup group : groups) {
            for (LoadClient client : group.clients()) {
                closing.add(client.close().exceptionally(e -> null));
            }
        }
        try {
            CompletableFuture.allOf(closing.toArray(CompletableFuture[]::new))
                    .get(CLOSE_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        } catch (ExecutionException | TimeoutException e) {
            // closing is best effort; the process ends soon after
        }
    }

    /** The gateway process to measure, or why there is none. */
    private record MeasuredProcess(OptionalLong pid, String note) {
    }

    private MeasuredProcess measuredProcess() {
        if (plan.gatewayPid() != null) {
            return new MeasuredProcess(OptionalLong.of(plan.gatewayPid()), null);
        }
        if (!plan.gateway().isLocal()) {
            return new MeasuredProcess(OptionalLong.empty(),
                    "gateway on another machine (pass --gateway-pid when it is local)");
        }
        OptionalLong found = ListeningProcess.find(plan.gateway().port());
        if (found.isEmpty()) {
            return new MeasuredProcess(found,
                    "no readable process listens on port " + plan.gateway().port() + " (pass --gateway-pid)");
        }
        if (found.getAsLong() == ProcessHandle.current().pid()) {
            return new MeasuredProcess(OptionalLong.empty(),
                    "the gateway runs inside this process; its CPU cannot be told apart");
        }
        return new MeasuredProcess(found, null);
    }

    private static String machine() {
        return System.getProperty("os.name") + " " + System.getProperty("os.version") + ", "
                + Runtime.getRuntime().availableProcessors() + " cores, Java " + System.getProperty("java.version");
    }
}
