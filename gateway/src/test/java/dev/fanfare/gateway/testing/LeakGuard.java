package dev.fanfare.gateway.testing;

import java.lang.ref.PhantomReference;
import java.lang.ref.Reference;
import java.lang.ref.ReferenceQueue;
import java.lang.reflect.Field;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.util.ResourceLeakDetector;
import io.netty.util.ResourceLeakDetectorFactory;

/**
 * Fails a test class when Netty reports a leaked buffer.
 *
 * <p>Registered for every test class of both modules through JUnit's extension autodetection
 * ({@code junit-platform.properties} and {@code META-INF/services} in gateway's test resources,
 * shipped to demo-client in gateway's test-jar). Test JVMs run Netty's leak detection at
 * {@code paranoid} (root pom, {@code test.argLine}), so every buffer is tracked and each report
 * carries where the buffer was created and last touched.
 *
 * <p>Netty only notices a leak when the garbage collector has dropped the buffer and a later
 * allocation looks at its queue of dropped ones, so after each test class the guard forces
 * that: a collection, then an allocation. Netty creates its detectors once per JVM, which is
 * why the recording factory goes in when this class loads, before any buffer exists.
 */
public final class LeakGuard implements AfterAllCallback {
    private static final Queue<String> reports = new ConcurrentLinkedQueue<>();
    private static final int DETECTION_ROUNDS = 2;
    private static final long GC_WAIT_MILLIS = 2_000;

    static {
        ResourceLeakDetectorFactory.setResourceLeakDetectorFactory(new RecordingFactory());
        requireByteBufDetectorRecords();
    }

    /** Instantiated by JUnit through the service file. */
    public LeakGuard() {
    }

    @Override
    public void afterAll(ExtensionContext context) {
        List<String> leaks = detectLeaks();
        if (!leaks.isEmpty()) {
            throw new AssertionError("Netty reported " + leaks.size() + " leaked buffer(s) by the end of "
                    + context.getRequiredTestClass().getName() + " (each record shows where it was created and last touched):\n\n"
                    + String.join("\n\n", leaks));
        }
    }

    /**
     * Makes Netty look for buffers collected without {@code release()} and returns the leak
     * reports made since the last call (each report is returned once).
     */
    public static List<String> detectLeaks() {
        for (int round = 0; round < DETECTION_ROUNDS; round++) {
            collectGarbage();
            // Netty drains its queue of collected buffers on the next tracked allocation.
            ByteBuf probe = ByteBufAllocator.DEFAULT.directBuffer(1);
            probe.release();
        }
        List<String> drained = new ArrayList<>();
        for (String report; (report = reports.poll()) != null; ) {
            drained.add(report);
        }
        return drained;
    }

    /**
     * Runs a full collection and waits until the JVM has queued the references it cleared:
     * a phantom sentinel cleared by the same collection shows up once that is done.
     */
    private static void collectGarbage() {
        ReferenceQueue<Object> queue = new ReferenceQueue<>();
        PhantomReference<Object> sentinel = new PhantomReference<>(new Object(), queue);
        System.gc();
        try {
            queue.remove(GC_WAIT_MILLIS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        Reference.reachabilityFence(sentinel);
    }

    /**
     * If anything made a buffer before this class loaded, Netty's ByteBuf detector predates the
     * recording factory and leaks would only be logged: fail loudly rather than guard nothing.
     */
    private static void requireByteBufDetectorRecords() {
        try {
            Field field = Class.forName("io.netty.buffer.AbstractByteBuf").getDeclaredField("leakDetector");
            field.setAccessible(true);
            if (!(field.get(null) instanceof RecordingDetector)) {
                throw new IllegalStateException("LeakGuard loaded after Netty created its ByteBuf leak detector;"
                        + " leaks would go unnoticed. Is extension autodetection on (junit-platform.properties)?");
            }
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("LeakGuard cannot find Netty's ByteBuf leak detector (Netty changed?)", e);
        }
    }

    private static final class RecordingFactory extends ResourceLeakDetectorFactory {
        @Override
        public <T> ResourceLeakDetector<T> newResourceLeakDetector(Class<T> resource, int samplingInterval) {
            return new RecordingDetector<>(resource, samplingInterval);
        }

        @Override
        @SuppressWarnings("deprecation")
        public <T> ResourceLeakDetector<T> newResourceLeakDetector(Class<T> resource, int samplingInterval, long maxActive) {
            return new RecordingDetector<>(resource, samplingInterval);
        }
    }

    /**
     * Netty's detector, keeping each report for the guard instead of logging it: the guard's
     * failure carries the report, and deliberate leaks in the guard's own tests stay out of the log.
     */
    private static final class RecordingDetector<T> extends ResourceLeakDetector<T> {
        RecordingDetector(Class<?> resourceType, int samplingInterval) {
            super(resourceType, samplingInterval);
        }

        /** Report even when the error log level is off; the guard, not the log, decides. */
        @Override
        protected boolean needReport() {
            return true;
        }

        @Override
        protected void reportTracedLeak(String resourceType, String records) {
            reports.add("LEAK: " + resourceType + ".release() was not called before it was garbage-collected." + records);
        }

        @Override
        protected void reportUntracedLeak(String resourceType) {
            reports.add("LEAK: " + resourceType + ".release() was not called before it was garbage-collected"
                    + " (no records: leak detection level below advanced).");
        }
    }
}
