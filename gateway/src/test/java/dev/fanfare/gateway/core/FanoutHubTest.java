package dev.fanfare.gateway.core;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.UnpooledByteBufAllocator;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class FanoutHubTest {

    /** A loop that runs nothing until the test says so. */
    private static final class StalledLoop implements Executor {
        final ConcurrentLinkedQueue<Runnable> tasks = new ConcurrentLinkedQueue<>();

        @Override
        public void execute(Runnable task) {
            tasks.add(task);
        }

        void runAll() {
            for (Runnable r; (r = tasks.poll()) != null; ) {
                r.run();
            }
        }
    }

    private static final StreamLayout LAYOUT = StreamLayout.of(List.of("demo"), List.of("t.demo"),
            List.of(UUID.randomUUID()), List.of(1));

    private static List<FanoutHub.Incoming> record(long offset) {
        return List.of(new FanoutHub.Incoming(0, 0, offset, 1, "k".getBytes(StandardCharsets.UTF_8),
                "1".getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void aLoopThatFallsBehindMakesTheSourceWaitInsteadOfQueueingWithoutBound() throws Exception {
        StalledLoop loop = new StalledLoop();
        FanoutHub hub = new FanoutHub(LAYOUT, RingLimits.DEFAULT, new long[1], List.of(loop), SnapshotSource.NONE,
                DeliveryPolicy.DEFAULT, Latencies.NONE, l -> new HubFixture.ManualTimers(), UnpooledByteBufAllocator.DEFAULT);
        AtomicInteger ingested = new AtomicInteger();
        Thread source = new Thread(() -> {
            try {
                for (int i = 0; i < FanoutHub.MAX_QUEUED_BATCHES + 10; i++) {
                    hub.ingest(record(i));
                    ingested.incrementAndGet();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        source.start();
        try {
            await().atMost(Duration.ofSeconds(30)).until(() -> source.getState() == Thread.State.TIMED_WAITING
                    && ingested.get() == FanoutHub.MAX_QUEUED_BATCHES);
            assertEquals(1, loop.tasks.size(), "one task takes what waits on the loop");
            loop.runAll();
            await().atMost(Duration.ofSeconds(30)).until(() -> {
                loop.runAll();
                return !source.isAlive();
            });
            assertEquals(FanoutHub.MAX_QUEUED_BATCHES + 10, ingested.get(), "nothing was dropped");
        } finally {
            source.interrupt();
            source.join();
            loop.runAll();
            hub.close();
        }
    }

    @Test
    void aRecordThatCannotBeReadIsSkippedAndCountedAndTheRestOfTheBatchGoesOn() throws Exception {
        StalledLoop loop = new StalledLoop();
        FanoutHub hub = new FanoutHub(LAYOUT, RingLimits.DEFAULT, new long[1], List.of(loop), SnapshotSource.NONE,
                DeliveryPolicy.DEFAULT, Latencies.NONE, l -> new HubFixture.ManualTimers(), UnpooledByteBufAllocator.DEFAULT);
        try {
            hub.ingest(List.of(
                    new FanoutHub.Incoming(0, 0, 0, 1, "bad key".getBytes(StandardCharsets.UTF_8), "1".getBytes(StandardCharsets.UTF_8)),
                    new FanoutHub.Incoming(0, 0, 1, 1, "ok".getBytes(StandardCharsets.UTF_8), "2".getBytes(StandardCharsets.UTF_8))));
            assertEquals(1, hub.skipped());
            assertEquals(1, hub.ingested());
            assertTrue(Cursors.covers(hub.live(), new long[] {2}), "the skipped record still moves the position");
            assertFalse(loop.tasks.isEmpty());
        } finally {
            loop.runAll();
            hub.close();
        }
    }

    private static List<FanoutHub.Incoming> records(long from, int n) {
        List<FanoutHub.Incoming> batch = new java.util.ArrayList<>();
        for (long o = from; o < from + n; o++) {
            batch.add(new FanoutHub.Incoming(0, 0, o, 1, "k".getBytes(StandardCharsets.UTF_8),
                    Long.toString(o).getBytes(StandardCharsets.UTF_8)));
        }
        return batch;
    }

    @Test
    void aLoopThatIsBehindDeliversTheBatchesWaitingForItAsOneUpToABound() throws Exception {
        StalledLoop loop = new StalledLoop();
        FanoutHub hub = new FanoutHub(LAYOUT, RingLimits.DEFAULT, new long[1], List.of(loop), SnapshotSource.NONE,
                DeliveryPolicy.DEFAULT, Latencies.NONE, l -> new HubFixture.ManualTimers(), UnpooledByteBufAllocator.DEFAULT);
        try {
            var s = new HubFixture.Recorder();
            hub.shard(loop).subscribe(s, List.of(ChannelName.parse("demo/k")), new long[1]);
            int flushesBefore = s.flushes;
            for (int i = 0; i < 30; i++) {
                hub.ingest(records(i * 10L, 10)); // 30 batches of 10 while the loop is busy
            }
            assertEquals(1, loop.tasks.size(), "one task for all of them");
            loop.runAll();
            assertEquals(300, s.data.size());
            for (int i = 0; i < 300; i++) {
                assertEquals("demo/k " + i, s.data.get(i), "in order");
            }
            assertEquals(2, s.flushes - flushesBefore, "250 events (25 batches) in the first write, the rest in a second");
        } finally {
            loop.runAll();
            hub.close();
        }
    }
}
