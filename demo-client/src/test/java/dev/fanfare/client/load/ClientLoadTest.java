package dev.fanfare.client.load;

import org.junit.jupiter.api.Test;

import java.util.BitSet;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Reading which cores the client runs on and how busy they were, from /proc text. */
class ClientLoadTest {

    private static final String STAT_BEFORE = """
            cpu  300 0 100 1000 0 0 0 0 0 0
            cpu0 200 0 50 400 0 0 0 0 0 0
            cpu1 100 0 50 600 0 0 0 0 0 0
            intr 12345
            """;
    private static final String STAT_AFTER = """
            cpu  400 0 150 1100 0 0 0 0 0 0
            cpu0 270 0 70 410 0 0 0 0 0 0
            cpu1 130 0 80 690 0 0 0 0 0 0
            intr 12399
            """;

    @Test
    void theAffinityListNamesTheCores() {
        assertEquals("0-1", ClientLoad.allowedList("Name:\tjava\nCpus_allowed:\t3\nCpus_allowed_list:\t0-1\nMems_allowed:\t1\n"));
        BitSet cores = ClientLoad.parseCpuList("0,2-4");
        assertEquals("{0, 2, 3, 4}", cores.toString());
        assertThrows(IllegalArgumentException.class, () -> ClientLoad.allowedList("Name:\tjava\n"));
        assertThrows(NumberFormatException.class, () -> ClientLoad.parseCpuList("x"));
    }

    @Test
    void busyTimeOfOnlyTheClientsCoresCountsIdleAndIowaitAsNotBusy() {
        BitSet core0 = ClientLoad.parseCpuList("0");
        long[][] before = ClientLoad.parseStat(STAT_BEFORE, core0);
        long[][] after = ClientLoad.parseStat(STAT_AFTER, core0);
        assertArrayEquals(new long[] {250}, before[0]);
        assertArrayEquals(new long[] {650}, before[1]);
        // core 0: busy +90 of +100 jiffies
        assertEquals(90.0, ClientLoad.busyPercent(before[0], before[1], after[0], after[1]), 1e-9);

        BitSet both = ClientLoad.parseCpuList("0-1");
        long[][] b = ClientLoad.parseStat(STAT_BEFORE, both);
        long[][] a = ClientLoad.parseStat(STAT_AFTER, both);
        // +90 of +100 on core 0, +60 of +150 on core 1
        assertEquals(60.0, ClientLoad.busyPercent(b[0], b[1], a[0], a[1]), 1e-9);
    }

    @Test
    void aCoreMissingFromStatIsAnErrorNotAnIdleCore() {
        assertThrows(IllegalArgumentException.class, () -> ClientLoad.parseStat(STAT_BEFORE, ClientLoad.parseCpuList("0-2")));
    }

    @Test
    void onLinuxTheSampleNamesTheCoresThisProcessMayUse() {
        ClientLoad.start().ifPresent(load -> {
            assertTrue(load.cores().matches("\\d+(-\\d+)?(,\\d+(-\\d+)?)*"), load.cores());
            double busy = load.busyPercentSinceStart();
            assertTrue(busy == -1 || (busy >= 0 && busy <= 100), "busy " + busy);
        });
    }
}
