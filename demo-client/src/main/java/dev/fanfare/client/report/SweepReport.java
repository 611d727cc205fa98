package dev.fanfare.client.report;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The report of a compare sweep over round-trip times: latency (p50 and p99) against RTT per style, drawn
 * from the runs, then each run's table. What the styles are about shows here: SSE and WebSocket pay about one
 * way, long polling a round trip per event on top, short polling half its interval plus the RTT.
 */
final class SweepReport {

    private SweepReport() {
    }

    static String render(List<RunResult> runs) {
        RunResult first = runs.get(0);
        StringBuilder html = HtmlReport.head("compare — latency against RTT — " + first.startedAt());
        html.append("<h1>Fanfare compare: latency against round-trip time</h1>\n");
        html.append("<p class=\"params\">").append(runs.size()).append(" runs, one per RTT, otherwise alike. ")
                .append("Each run's own report is in its rtt-&lt;ms&gt;ms directory.</p>\n");
        for (String percentile : List.of("p50", "p99")) {
            html.append("<h2>").append(percentile).append(" latency, publish to receive, against RTT</h2>\n");
            html.append(chart(runs, percentile));
        }
        for (RunResult r : runs) {
            html.append("<h2>RTT ").append(Math.round(r.network() == null ? 0 : r.network().rttMillis()))
                    .append(" ms</h2>\n").append(HtmlReport.params(r));
            HtmlReport.appendTable(html, r);
        }
        return html.append("</body>\n</html>\n").toString();
    }

    /** The chart of {@code percentile} latency against RTT, one line per style: a standalone SVG element. */
    static String chart(List<RunResult> runs, String percentile) {
        return SvgCharts.xy(series(runs, percentile), HtmlReport.CHART_WIDTH, 320, "round-trip time added (ms)",
                percentile + " latency (ms)");
    }

    /** One line per style: (RTT, latency) of each run in which the style took part. */
    static List<SvgCharts.Line> series(List<RunResult> runs, String percentile) {
        Map<String, List<double[]>> points = new LinkedHashMap<>();
        for (RunResult r : runs) {
            double rtt = r.network() == null ? 0 : r.network().rttMillis();
            for (StyleResult s : r.styles()) {
                if (s.latency().count() == 0) {
                    continue;
                }
                double ms = "p50".equals(percentile) ? s.latency().p50Millis() : s.latency().p99Millis();
                points.computeIfAbsent(s.style(), k -> new ArrayList<>()).add(new double[]{rtt, ms});
            }
        }
        List<SvgCharts.Line> lines = new ArrayList<>();
        points.forEach((style, xy) -> lines.add(new SvgCharts.Line(style, StyleColors.of(style), xy)));
        return lines;
    }
}
