package dev.fanfare.client.report;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** Plain-text tables of a run for the terminal. */
public final class ResultTable {

    private ResultTable() {
    }

    /**
     * One row per style: delivery (and what the gateway conflated), latency, cost per event, connections, faults;
     * then the gateway's CPU.
     */
    public static String compare(RunResult r) {
        List<String[]> rows = new ArrayList<>();
        rows.add(new String[]{"style", "clients", "delivered/expected", "missing", "conflated", "replaced",
                "last=latest", "p50 ms", "p90 ms", "p99 ms", "max ms", "req/event", "bytes/event", "conns held", "dup",
                "out-of-order", "gaps"});
        for (StyleResult s : r.styles()) {
            rows.add(new String[]{s.style(), Long.toString(s.clients()),
                    s.delivered() + "/" + s.expected() + " (" + Numbers.percent(s.delivered(), s.expected()) + ")",
                    Long.toString(s.missing()), Long.toString(s.conflated()), Long.toString(s.replaced()),
                    s.endedOnLatest() + "/" + s.clients(), Numbers.millis(s.latency().p50Millis()), Numbers.millis(s.latency().p90Millis()),
                    Numbers.millis(s.latency().p99Millis()), Numbers.millis(s.latency().maxMillis()),
                    Numbers.ratio(s.requestsPerEvent()), Numbers.ratio(s.bytesPerEvent()),
                    Long.toString(s.connectionsHeld()), Long.toString(s.duplicates()), Long.toString(s.outOfOrder()),
                    Long.toString(s.gaps())});
        }
        return header(r) + render(rows) + footer(r);
    }

    /** The benchmark's compact form: one row with throughput, latency and gateway cost. */
    public static String bench(RunResult r) {
        List<String[]> rows = new ArrayList<>();
        rows.add(new String[]{"style", "subscribers", "deliveries/s", "delivered/expected", "p50 ms", "p99 ms",
                "max ms", "gateway CPU s", "CPU us/delivery", "client"});
        for (StyleResult s : r.styles()) {
            rows.add(new String[]{s.style(), Long.toString(s.clients()),
                    String.format(Locale.ROOT, "%.0f", s.delivered() / r.publishSeconds()),
                    s.delivered() + "/" + s.expected(), Numbers.millis(s.latency().p50Millis()),
                    Numbers.millis(s.latency().p99Millis()), Numbers.millis(s.latency().maxMillis()),
                    r.gatewayCpuSeconds() == null ? "n/a" : String.format(Locale.ROOT, "%.2f", r.gatewayCpuSeconds()),
                    Numbers.ratio(r.gatewayCpuMicrosPerDelivery()),
                    r.client() == null ? "n/a" : r.client().saturated() ? "SATURATED" : "kept up"});
        }
        return header(r) + render(rows) + footer(r);
    }

    private static String header(RunResult r) {
        String run = String.format(Locale.ROOT, "%s: %s events/s planned, %s/s achieved: %d published in %.1f s on %s (channel %s)%n",
                r.kind(), Numbers.ratio(r.ratePerSecond()), Numbers.ratio(r.published() / r.publishSeconds()),
                r.published(), r.publishSeconds(), r.gatewayUrl(), r.channel());
        return r.network() == null ? run : run + "network: " + r.network().description() + System.lineSeparator();
    }

    private static String footer(RunResult r) {
        StringBuilder out = new StringBuilder();
        if (r.publishFailures() > 0 || r.publishDropped() > 0) {
            out.append(String.format(Locale.ROOT, "publishing: %d failed, %d dropped (the gateway did not keep up)%n",
                    r.publishFailures(), r.publishDropped()));
        }
        if (r.gatewayCpuSeconds() != null) {
            out.append(String.format(Locale.ROOT, "gateway CPU (pid %d): %.2f s, %s us per delivered event%n",
                    r.gatewayPid(), r.gatewayCpuSeconds(), Numbers.ratio(r.gatewayCpuMicrosPerDelivery())));
        } else {
            out.append("gateway CPU: n/a (").append(r.gatewayCpuNote()).append(')').append(System.lineSeparator());
        }
        if (r.clientCpuSeconds() != null) {
            long delivered = r.delivered();
            out.append(String.format(Locale.ROOT, "client CPU (this process): %.2f s, %s us per delivered event%n",
                    r.clientCpuSeconds(), delivered == 0 ? "n/a" : Numbers.ratio(r.clientCpuSeconds() * 1e6 / delivered)));
        }
        ClientCheck c = r.client();
        if (c != null) {
            out.append(String.format(Locale.ROOT, "client loops: %s ms late at p99, %s ms at worst; cores %s %s busy%n",
                    Numbers.millis(c.loopLagP99Millis()), Numbers.millis(c.loopLagMaxMillis()), c.cores() == null ? "?" : c.cores(),
                    c.coresBusyPercent() < 0 ? "n/a" : String.format(Locale.ROOT, "%.0f%%", c.coresBusyPercent())));
            if (c.saturated()) {
                out.append("WARNING: the client itself was saturated: ").append(c.reason()).append(". The latency above is")
                        .append(" partly its own queueing, not the gateway's; give it more cores or fewer subscribers,")
                        .append(" or measure with ../shared/pushbench.").append(System.lineSeparator());
            }
        }
        return out.toString();
    }

    private static String render(List<String[]> rows) {
        int[] widths = new int[rows.get(0).length];
        for (String[] row : rows) {
            for (int i = 0; i < row.length; i++) {
                widths[i] = Math.max(widths[i], row[i].length());
            }
        }
        StringBuilder out = new StringBuilder();
        for (String[] row : rows) {
            for (int i = 0; i < row.length; i++) {
                String cell = row[i];
                // the style name left-aligned, figures right-aligned
                out.append(i == 0 ? cell + " ".repeat(widths[i] - cell.length()) : " ".repeat(widths[i] - cell.length()) + cell);
                out.append(i + 1 < row.length ? "  " : System.lineSeparator());
            }
        }
        return out.toString();
    }
}
