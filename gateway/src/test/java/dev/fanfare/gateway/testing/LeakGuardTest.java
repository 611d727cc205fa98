package dev.fanfare.gateway.testing;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.platform.testkit.engine.EngineExecutionResults;
import org.junit.platform.testkit.engine.EngineTestKit;
import org.junit.platform.testkit.engine.Event;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;

class LeakGuardTest {

    @Test
    void detectsABufferThatWasNeverReleased() {
        leakOneBuffer();

        List<String> reports = new ArrayList<>();
        await().atMost(Duration.ofSeconds(30)).until(() -> {
            reports.addAll(LeakGuard.detectLeaks());
            return reports.stream().anyMatch(report -> report.contains("leakOneBuffer"));
        });
        assertTrue(reports.get(0).startsWith("LEAK: ByteBuf.release() was not called"), reports.get(0));
    }

    @Test
    void releasedBuffersLeaveNoReport() {
        ByteBuf buffer = ByteBufAllocator.DEFAULT.directBuffer(16);
        buffer.writeLong(42);
        buffer.release();

        assertEquals(List.of(), LeakGuard.detectLeaks());
    }

    @Test
    void failsTheTestClassThatLeaked() {
        EngineExecutionResults results = EngineTestKit.engine("junit-jupiter")
                .configurationParameter("junit.jupiter.extensions.autodetection.enabled", "true")
                .selectors(selectClass(LeakingTests.class))
                .execute();

        results.testEvents().assertStatistics(stats -> stats.succeeded(1).failed(0));
        List<Event> failedContainers = results.containerEvents().failed().list();
        assertEquals(1, failedContainers.size(), "the leaking class fails after its tests");
        Throwable failure = failedContainers.get(0).getPayload(org.junit.platform.engine.TestExecutionResult.class)
                .flatMap(org.junit.platform.engine.TestExecutionResult::getThrowable).orElseThrow();
        assertTrue(failure.getMessage().contains("LEAK: ByteBuf.release() was not called"), failure.getMessage());
        assertTrue(failure.getMessage().contains("LeakingTests.forgetsToRelease"), failure.getMessage());
    }

    private static void leakOneBuffer() {
        ByteBufAllocator.DEFAULT.directBuffer(16).writeLong(42);
    }

    /** Run only through the test kit above (surefire skips nested classes). */
    static final class LeakingTests {
        @Test
        void forgetsToRelease() {
            ByteBufAllocator.DEFAULT.directBuffer(16).writeLong(7);
        }
    }
}
