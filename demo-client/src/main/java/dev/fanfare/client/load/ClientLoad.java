package dev.fanfare.client.load;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.Optional;

/**
 * How busy the cores this process may run on were, from Linux's {@code /proc/stat} (per core) and this
 * process's affinity ({@code Cpus_allowed_list} in {@code /proc/self/status}). A client whose cores are
 * busy cannot read its sockets when the events arrive, whoever keeps them busy (itself, or a broker on
 * the same core), so what it measures is partly its own queueing.
 */
final class ClientLoad {

    private final BitSet cores;
    private final long[] busyStart;
    private final long[] totalStart;

    private ClientLoad(BitSet cores, long[][] sample) {
        this.cores = cores;
        this.busyStart = sample[0];
        this.totalStart = sample[1];
    }

    /** Starts a sample now; empty when not on Linux or unreadable. */
    static Optional<ClientLoad> start() {
        try {
            BitSet cores = parseCpuList(allowedList(Files.readString(Path.of("/proc/self/status"))));
            return Optional.of(new ClientLoad(cores, parseStat(Files.readString(Path.of("/proc/stat")), cores)));
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    /** The cores, as Linux writes them ({@code 0}, {@code 0-1}). */
    String cores() {
        StringBuilder b = new StringBuilder();
        for (int c = cores.nextSetBit(0); c >= 0; c = cores.nextSetBit(c + 1)) {
            int end = c;
            while (cores.get(end + 1)) {
                end++;
            }
            b.append(b.length() > 0 ? "," : "").append(c).append(end > c ? "-" + end : "");
            c = end;
        }
        return b.toString();
    }

    /** Percent of the cores' time spent busy since {@link #start} (every process, the kernel's too); -1 when unreadable. */
    double busyPercentSinceStart() {
        try {
            long[][] now = parseStat(Files.readString(Path.of("/proc/stat")), cores);
            return busyPercent(busyStart, totalStart, now[0], now[1]);
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    static double busyPercent(long[] busy0, long[] total0, long[] busy1, long[] total1) {
        long busy = 0;
        long total = 0;
        for (int i = 0; i < busy0.length; i++) {
            busy += busy1[i] - busy0[i];
            total += total1[i] - total0[i];
        }
        return total <= 0 ? -1 : 100.0 * busy / total;
    }

    static String allowedList(String status) {
        for (String line : status.split("\n")) {
            if (line.startsWith("Cpus_allowed_list:")) {
                return line.substring("Cpus_allowed_list:".length()).trim();
            }
        }
        throw new IllegalArgumentException("status: no Cpus_allowed_list line");
    }

    /** {@code 0-2,4} as a set of core numbers. */
    static BitSet parseCpuList(String list) {
        BitSet cores = new BitSet();
        for (String part : list.split(",")) {
            String p = part.trim();
            int dash = p.indexOf('-');
            int from = Integer.parseInt(dash < 0 ? p : p.substring(0, dash));
            int to = dash < 0 ? from : Integer.parseInt(p.substring(dash + 1));
            cores.set(from, to + 1);
        }
        if (cores.isEmpty()) {
            throw new IllegalArgumentException("cpu list: '" + list + "' (expected: e.g. 0-1,3)");
        }
        return cores;
    }

    /**
     * Per core of {@code cores}, in order: busy and total jiffies from {@code /proc/stat}'s {@code cpuN} lines
     * (busy: all but idle and iowait).
     */
    static long[][] parseStat(String stat, BitSet cores) {
        List<long[]> rows = new ArrayList<>();
        for (String line : stat.split("\n")) {
            if (!line.startsWith("cpu") || line.startsWith("cpu ")) {
                continue;
            }
            String[] f = line.trim().split("\\s+");
            int core = Integer.parseInt(f[0].substring(3));
            if (!cores.get(core)) {
                continue;
            }
            long total = 0;
            for (int i = 1; i < f.length && i <= 8; i++) { // user .. steal; guest is inside user already
                total += Long.parseLong(f[i]);
            }
            long idle = Long.parseLong(f[4]) + (f.length > 5 ? Long.parseLong(f[5]) : 0);
            rows.add(new long[] {total - idle, total});
        }
        if (rows.size() != cores.cardinality()) {
            throw new IllegalArgumentException("stat: " + rows.size() + " of " + cores.cardinality() + " cores found");
        }
        long[] busy = new long[rows.size()];
        long[] total = new long[rows.size()];
        for (int i = 0; i < rows.size(); i++) {
            busy[i] = rows.get(i)[0];
            total[i] = rows.get(i)[1];
        }
        return new long[][] {busy, total};
    }
}
