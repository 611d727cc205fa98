package dev.fanfare.client.cli;

import org.junit.jupiter.api.Test;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.Writer;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

class LinePrinterTest {

    /** A terminal that stalls until released. */
    private static final class StalledWriter extends Writer {
        final CountDownLatch release = new CountDownLatch(1);
        final StringWriter text = new StringWriter();

        @Override
        public void write(char[] buf, int off, int len) {
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            text.write(buf, off, len);
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    }

    @Test
    void pausesTheSourceWhenOutputFallsBehindAndResumesOnceItCaughtUp() {
        StalledWriter terminal = new StalledWriter();
        AtomicInteger pauses = new AtomicInteger();
        AtomicInteger resumes = new AtomicInteger();
        try (LinePrinter printer = new LinePrinter(new PrintWriter(terminal), 3, 1)) {
            printer.onPressure(pauses::incrementAndGet, resumes::incrementAndGet);
            for (int i = 0; i < 5; i++) {
                printer.print("line " + i);
            }
            await().until(() -> pauses.get() == 1);
            assertEquals(0, resumes.get(), "still stalled");

            terminal.release.countDown();
            await().until(() -> resumes.get() == 1);
        }
        assertEquals(1, pauses.get(), "one pause for one stall");
        assertEquals("line 0,line 1,line 2,line 3,line 4", String.join(",", terminal.text.toString().lines().toList()),
                "every line, in order, written before close returns");
    }
}
