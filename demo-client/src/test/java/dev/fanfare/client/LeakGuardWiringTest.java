package dev.fanfare.client;

import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import dev.fanfare.gateway.testing.LeakGuard;
import io.netty.buffer.ByteBufAllocator;

/** This module's tests run under gateway's LeakGuard too (through the gateway test-jar). */
class LeakGuardWiringTest {

    @Test
    void leaksInThisModuleAreDetected() {
        leakOneBuffer();

        List<String> reports = new ArrayList<>();
        await().atMost(Duration.ofSeconds(30)).until(() -> {
            reports.addAll(LeakGuard.detectLeaks());
            return reports.stream().anyMatch(report -> report.contains("LeakGuardWiringTest.leakOneBuffer"));
        });
    }

    private static void leakOneBuffer() {
        ByteBufAllocator.DEFAULT.directBuffer(16).writeLong(42);
    }
}
