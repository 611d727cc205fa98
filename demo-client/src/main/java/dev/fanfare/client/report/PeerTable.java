package dev.fanfare.client.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.ToDoubleFunction;

/**
 * The README's table of Fanfare next to Nchan and Pushpin, from one sitting of {@code scripts/bench-peers.sh}:
 * its results file holds a {@code sitting} line, then per row and server either pushbench's result lines
 * (tagged {@code row}, {@code load}, {@code server}, {@code command}) or a {@code missing} line saying why that
 * server was not measured. Several runs of a server give the median of each figure over its clean runs; when
 * every run was noisy the figures are still shown, marked so.
 */
public final class PeerTable {

    /** Where the table goes in the README: everything between these lines is replaced. */
    public static final String BEGIN = "<!-- bench-peers:begin -->";
    public static final String END = "<!-- bench-peers:end -->";

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Map<String, String> SERVER_NAMES = Map.of(
            "nchan", "Nchan",
            "pushpin", "Pushpin",
            "fanfare", "Fanfare, embedded broker",
            "fanfare-sidecar", "Fanfare, broker in a sidecar");

    private PeerTable() {
    }

    /** Reads a results file: one JSON object a line (blank lines skipped). */
    public static List<JsonNode> read(Path results) throws IOException {
        List<JsonNode> lines = new ArrayList<>();
        for (String line : Files.readAllLines(results, StandardCharsets.UTF_8)) {
            if (!line.isBlank()) {
                lines.add(JSON.readTree(line));
            }
        }
        return lines;
    }

    /** The table in Markdown, with a line saying where and when it was measured. */
    public static String markdown(List<JsonNode> lines) {
        JsonNode sitting = lines.stream().filter(l -> l.has("sitting")).findFirst().orElse(JSON.createObjectNode());
        // row -> server -> its lines, in the order they were run
        Map<String, Map<String, List<JsonNode>>> rows = new LinkedHashMap<>();
        Map<String, String> loads = new LinkedHashMap<>();
        for (JsonNode l : lines) {
            if (!l.has("row") || !l.has("server")) {
                continue;
            }
            loads.putIfAbsent(l.get("row").asText(), l.path("load").asText(l.get("row").asText()));
            rows.computeIfAbsent(l.get("row").asText(), r -> new LinkedHashMap<>())
                    .computeIfAbsent(l.get("server").asText(), s -> new ArrayList<>()).add(l);
        }
        StringBuilder out = new StringBuilder();
        out.append(String.format(Locale.ROOT, "Measured in one sitting (%s, commit %s, %s cores; load generator on core 0, "
                        + "server on core 1), `%s`:%n%n", sitting.path("sitting").asText("?"),
                sitting.path("commit").asText("?"), sitting.path("cores").asText("?"),
                sitting.path("command").asText("scripts/bench-peers.sh")));
        out.append("| load | server | CPU per delivery | p50 / p99 | delivered | note | command |\n");
        out.append("|---|---|---|---|---|---|---|\n");
        for (Map.Entry<String, Map<String, List<JsonNode>>> row : rows.entrySet()) {
            Double nchanCpu = null;
            boolean first = true;
            for (Map.Entry<String, List<JsonNode>> server : row.getValue().entrySet()) {
                Cell c = cell(server.getValue());
                if (server.getKey().equals("nchan")) {
                    nchanCpu = c.cpu;
                }
                String cpu = c.cpuText;
                if (c.cpu != null && nchanCpu != null && !server.getKey().equals("nchan")) {
                    cpu += String.format(Locale.ROOT, " (%.2f x Nchan)", c.cpu / nchanCpu);
                }
                out.append("| ").append(first ? loads.get(row.getKey()) : "").append(" | ")
                        .append(SERVER_NAMES.getOrDefault(server.getKey(), server.getKey())).append(" | ")
                        .append(cpu).append(" | ").append(c.latency).append(" | ").append(c.delivered).append(" | ")
                        .append(c.note).append(" | `").append(c.command).append("` |\n");
                first = false;
            }
        }
        return out.toString();
    }

    /** One server's figures in a row. */
    private record Cell(Double cpu, String cpuText, String latency, String delivered, String note, String command) {
    }

    private static Cell cell(List<JsonNode> attempts) {
        String command = attempts.get(0).path("command").asText("");
        JsonNode missing = attempts.stream().filter(a -> a.has("missing")).findFirst().orElse(null);
        List<JsonNode> measured = attempts.stream().filter(a -> !a.has("missing")).toList();
        if (measured.isEmpty()) {
            return new Cell(null, "not measured", "", "", missing == null ? "" : missing.get("missing").asText(), command);
        }
        List<JsonNode> clean = measured.stream().filter(a -> !a.path("noisy").asBoolean(false)).toList();
        List<JsonNode> used = clean.isEmpty() ? measured : clean;
        List<String> notes = new ArrayList<>();
        if (clean.isEmpty()) {
            notes.add(String.format(Locale.ROOT, "noisy (other processes used %.1f s of CPU)",
                    median(used, a -> a.path("other_cpu_s").asDouble())));
        }
        if (used.size() > 1) {
            notes.add("median of " + used.size() + " runs");
        }
        if (measured.size() > used.size()) {
            notes.add((measured.size() - used.size()) + " noisy run" + (measured.size() - used.size() > 1 ? "s" : "")
                    + " left out");
        }
        if (missing != null) {
            notes.add(missing.get("missing").asText());
        }
        String note = String.join("; ", notes);
        if (used.get(0).path("mode").asText().equals("idle")) {
            return idle(used, note, command);
        }
        double cpu = median(used, a -> a.path("server_cpu_us_per_delivery").asDouble());
        String latency = String.format(Locale.ROOT, "%s / %s ms", Numbers.millis(median(used, a -> a.path("lat_p50_us").asDouble() / 1000)),
                Numbers.millis(median(used, a -> a.path("lat_p99_us").asDouble() / 1000)));
        long delivered = used.stream().mapToLong(a -> a.path("delivered").asLong()).min().orElse(0);
        long expected = used.stream().mapToLong(a -> a.path("expected").asLong()).max().orElse(0);
        long dups = used.stream().mapToLong(a -> a.path("dups").asLong()).sum();
        long ooo = used.stream().mapToLong(a -> a.path("ooo").asLong()).sum();
        String deliveredText = String.format(Locale.ROOT, "%,d/%,d", delivered, expected)
                + (dups > 0 ? String.format(Locale.ROOT, ", %,d duplicates", dups) : "")
                + (ooo > 0 ? String.format(Locale.ROOT, ", %,d out of order", ooo) : "")
                + String.format(Locale.ROOT, "; %,.0f/s", median(used, a -> a.path("deliveries_per_s").asDouble()));
        return new Cell(cpu, String.format(Locale.ROOT, "%.2f us", cpu), latency, deliveredText, note, command);
    }

    private static Cell idle(List<JsonNode> used, String note, String command) {
        String rss = String.format(Locale.ROOT, "RSS per connection %,.0f B connected, %,.0f B after the hold",
                median(used, a -> a.path("server_bytes_per_conn").asDouble()),
                median(used, a -> (a.path("server_rss_kb_end_hold").asDouble() - a.path("server_rss_kb_before").asDouble())
                        * 1024 / Math.max(1, a.path("connected").asDouble())));
        String connects = String.format(Locale.ROOT, "connect %,.0f/s", median(used, a -> a.path("connect_rate_per_s").asDouble()));
        String held = String.format(Locale.ROOT, "%,d/%,d held",
                used.stream().mapToLong(a -> a.path("alive_after_hold").asLong()).min().orElse(0),
                used.stream().mapToLong(a -> a.path("conns").asLong()).max().orElse(0));
        return new Cell(null, rss, connects, held, note, command);
    }

    private static double median(List<JsonNode> lines, ToDoubleFunction<JsonNode> f) {
        double[] v = lines.stream().mapToDouble(f).sorted().toArray();
        Arrays.sort(v);
        return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
    }

    /**
     * {@code readme} with the text between {@link #BEGIN} and {@link #END} replaced by {@code table}.
     *
     * @throws IllegalArgumentException when the README has not both markers, in order
     */
    public static String replaceSection(String readme, String table) {
        int begin = readme.indexOf(BEGIN);
        int end = readme.indexOf(END);
        if (begin < 0 || end < begin) {
            throw new IllegalArgumentException("README: no " + BEGIN + " ... " + END + " section (expected: both, in order)");
        }
        return readme.substring(0, begin + BEGIN.length()) + "\n" + table + readme.substring(end);
    }
}
