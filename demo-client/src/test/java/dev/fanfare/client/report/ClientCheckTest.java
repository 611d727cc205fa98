package dev.fanfare.client.report;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** When a benchmark's client counts as saturated, and what it says about it. */
class ClientCheckTest {

    @Test
    void aClientWithPromptLoopsAndSpareCoresKeptUp() {
        ClientCheck c = ClientCheck.of("0", 70, 3.5, 12);
        assertFalse(c.saturated());
        assertNull(c.reason());
    }

    @Test
    void lateLoopsOrBusyCoresMakeItSaturatedAndSayWhy() {
        ClientCheck late = ClientCheck.of("0", 70, 222, 274);
        assertTrue(late.saturated());
        assertEquals("its event loops ran 222 ms late at p99 (limit 20 ms)", late.reason());

        ClientCheck busy = ClientCheck.of("0-1", 97, 25, 30);
        assertTrue(busy.saturated());
        assertEquals("its event loops ran 25.0 ms late at p99 (limit 20 ms) and its cores (0-1) were 97% busy (limit 90%)",
                busy.reason());
    }

    @Test
    void unknownCoreLoadJudgesByTheLoopsAlone() {
        assertFalse(ClientCheck.of(null, -1, 1, 2).saturated());
    }
}
