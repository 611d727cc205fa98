package dev.fanfare.client.load;

import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.List;
import java.util.OptionalLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ProcessCpuTest {

    @Test
    void addsUserAndSystemTicksCountingFieldsAfterTheCommandName() {
        // comm "(java (x) y)" holds spaces and parentheses; utime=250 and stime=50 ticks
        String stat = "4242 (java (x) y) S 1 4242 4242 0 -1 4194560 100 0 0 0 250 50 0 0 20 0 30 0 1000 "
                + "123456 789 18446744073709551615";
        assertEquals(3.0, ProcessCpu.withTicksPerSecond(100).parseStat(stat), 1e-9);
    }

    @Test
    void readsThisProcessesOwnCpuTime() {
        double seconds = ProcessCpu.system().cpuSeconds(ProcessHandle.current().pid()).orElseThrow();
        assertTrue(seconds > 0, "a running JVM has used some CPU: " + seconds);
    }

    @Test
    void findsTheListeningSocketsInodeInAProcNetTable() {
        List<String> table = List.of(
                "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode",
                "   0: 0100007F:1F90 0100007F:A000 01 00000000:00000000 00:00000000 00000000     0        0 111 1",
                "   1: 0100007F:1F90 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 222 1",
                "   2: 0100007F:1F91 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 333 1");
        assertEquals(OptionalLong.of(222), ListeningProcess.listeningInode(table, 8080));
        assertEquals(OptionalLong.empty(), ListeningProcess.listeningInode(table, 9090));
    }

    @Test
    void findsTheProcessListeningOnARealPort() throws Exception {
        try (ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            assertEquals(OptionalLong.of(ProcessHandle.current().pid()), ListeningProcess.find(server.getLocalPort()));
        }
    }
}
