package dev.fanfare.client.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PeerTableTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private static JsonNode line(String json) {
        try {
            return JSON.readTree(json);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    private static JsonNode fanout(String server, double cpuUs, long p50Us, long p99Us, boolean noisy) {
        return line("{\"mode\":\"fanout\",\"row\":\"sse-1k-warm\",\"load\":\"SSE 1k x 100/s, warm\",\"server\":\"" + server
                + "\",\"command\":\"../shared/pushbench/run-peer.sh " + server + " sse-1k\",\"server_cpu_us_per_delivery\":" + cpuUs
                + ",\"lat_p50_us\":" + p50Us + ",\"lat_p99_us\":" + p99Us + ",\"delivered\":1000000,\"expected\":1000000,"
                + "\"dups\":0,\"ooo\":0,\"deliveries_per_s\":99000,\"other_cpu_s\":" + (noisy ? 5.5 : 1.0)
                + ",\"noisy\":" + noisy + "}");
    }

    private static List<JsonNode> sitting(JsonNode... lines) {
        List<JsonNode> all = new ArrayList<>();
        all.add(line("{\"sitting\":\"2025-01-01T00:00:00Z\",\"commit\":\"abc1234\",\"runs\":1,\"cores\":2,"
                + "\"command\":\"scripts/bench-peers.sh sse-1k-warm\"}"));
        all.addAll(List.of(lines));
        return all;
    }

    private static List<String> tableRows(String markdown) {
        return markdown.lines().filter(l -> l.startsWith("| ") && !l.startsWith("| load ")).toList();
    }

    @Test
    void eachServerOfARowGetsItsFiguresItsRatioToNchanAndItsCommand() {
        String md = PeerTable.markdown(sitting(fanout("nchan", 4.0, 2100, 6300, false), fanout("fanfare", 5.0, 3300, 9400, false)));
        List<String> rows = tableRows(md);
        assertEquals(2, rows.size(), md);
        assertEquals("| SSE 1k x 100/s, warm | Nchan | 4.00 us | 2.10 / 6.30 ms | 1,000,000/1,000,000; 99,000/s |  "
                + "| `../shared/pushbench/run-peer.sh nchan sse-1k` |", rows.get(0));
        assertTrue(rows.get(1).startsWith("|  | Fanfare, embedded broker | 5.00 us (1.25 x Nchan) | 3.30 / 9.40 ms |"), rows.get(1));
        assertTrue(md.startsWith("Measured in one sitting (2025-01-01T00:00:00Z, commit abc1234, 2 cores;"), md);
        assertTrue(md.contains("`scripts/bench-peers.sh sse-1k-warm`"), md);
    }

    @Test
    void aServerThatCouldNotRunSaysWhyInsteadOfFigures() {
        String md = PeerTable.markdown(sitting(fanout("nchan", 4.0, 2100, 6300, false),
                line("{\"row\":\"sse-1k-warm\",\"load\":\"SSE 1k x 100/s, warm\",\"server\":\"pushpin\","
                        + "\"command\":\"../shared/pushbench/run-peer.sh pushpin sse-1k\","
                        + "\"missing\":\"Pushpin not installed (apt-get install pushpin)\"}")));
        String pushpin = tableRows(md).get(1);
        assertTrue(pushpin.contains("| Pushpin | not measured |  |  | Pushpin not installed (apt-get install pushpin) |"), pushpin);
    }

    @Test
    void noisyRunsAreLeftOutWhenACleanOneExistsAndMarkedWhenNoneDoes() {
        String md = PeerTable.markdown(sitting(fanout("nchan", 9.0, 2100, 6300, true), fanout("nchan", 4.0, 2000, 6000, false),
                fanout("fanfare", 6.0, 3000, 9000, true)));
        List<String> rows = tableRows(md);
        assertTrue(rows.get(0).contains("| 4.00 us |") && rows.get(0).contains("1 noisy run left out"), rows.get(0));
        assertTrue(rows.get(1).contains("6.00 us (1.50 x Nchan)") && rows.get(1).contains("noisy (other processes used 5.5 s of CPU)"),
                rows.get(1));
    }

    @Test
    void severalRunsGiveTheMedianOfEachFigure() {
        String md = PeerTable.markdown(sitting(fanout("nchan", 3.0, 1000, 5000, false), fanout("nchan", 5.0, 3000, 7000, false),
                fanout("nchan", 4.0, 2000, 9000, false)));
        String row = tableRows(md).get(0);
        assertTrue(row.contains("| 4.00 us | 2.00 / 7.00 ms |") && row.contains("median of 3 runs"), row);
    }

    @Test
    void idleRowsShowMemoryPerConnectionAndConnectRate() {
        String md = PeerTable.markdown(sitting(line("{\"mode\":\"idle\",\"row\":\"idle-10k\",\"load\":\"10k idle SSE\","
                + "\"server\":\"fanfare\",\"command\":\"c\",\"server_bytes_per_conn\":5211.4,\"server_rss_kb_before\":100000,"
                + "\"server_rss_kb_end_hold\":190000,\"connected\":10000,\"connect_rate_per_s\":6524.2,\"alive_after_hold\":10000,"
                + "\"conns\":10000,\"noisy\":false}")));
        String row = tableRows(md).get(0);
        assertTrue(row.contains("RSS per connection 5,211 B connected, 9,216 B after the hold | connect 6,524/s | 10,000/10,000 held"), row);
    }

    @Test
    void theReadmeSectionBetweenTheMarkersIsReplacedAndTheRestKept() {
        String readme = "# T\nbefore\n" + PeerTable.BEGIN + "\nold table\n" + PeerTable.END + "\nafter\n";
        String updated = PeerTable.replaceSection(readme, "new table\n");
        assertEquals("# T\nbefore\n" + PeerTable.BEGIN + "\nnew table\n" + PeerTable.END + "\nafter\n", updated);
        assertThrows(IllegalArgumentException.class, () -> PeerTable.replaceSection("# no markers\n", "t"));
    }
}
