package dev.fanfare.client.report;

import java.util.List;
import java.util.Locale;
import java.util.function.Function;

/**
 * A self-contained HTML page of a run: parameters, the results table and inline SVG charts (latency
 * CDF, requests and bytes per event). No script, no stylesheet or font from elsewhere.
 */
public final class HtmlReport {

    static final int CHART_WIDTH = 760;

    private HtmlReport() {
    }

    public static String render(RunResult r) {
        StringBuilder html = head(r.kind() + " — " + r.startedAt());
        html.append("<h1>Fanfare ").append(Html.escape(r.kind())).append("</h1>\n");
        html.append(params(r));
        appendTable(html, r);
        html.append("<p>").append(Html.escape(cpuLine(r))).append("</p>\n");

        html.append("<h2>Latency, publish to receive</h2>\n<p class=\"params\">Share of events delivered within a ")
                .append("given time (cumulative distribution). Further left is faster.</p>\n");
        html.append(SvgCharts.cdf(r.styles().stream()
                .map(s -> new SvgCharts.Series(s.style(), StyleColors.of(s.style()), s.latencyCdf())).toList(),
                CHART_WIDTH, 360));
        appendBars(html, r, "HTTP requests per delivered event", StyleResult::requestsPerEvent);
        appendBars(html, r, "Bytes on the wire per delivered event", StyleResult::bytesPerEvent);
        html.append("<p class=\"params\">Bytes are counted at the client sockets: HTTP headers, SSE and WebSocket ")
                .append("framing, heartbeats and empty answers included. Conflated: events received marked as having ")
                .append("replaced others (a maximum rate, or a slow client of a conflating stream); replaced: how many ")
                .append("they replaced. With a maximum rate, replaced events are not missing. Last = latest: clients ")
                .append("whose last event was the last published. The same figures are in result.json.</p>\n")
                .append("</body>\n</html>\n");
        return html.toString();
    }

    /** The document up to {@code <body>}: one stylesheet for every report. */
    static StringBuilder head(String title) {
        return new StringBuilder(32 * 1024)
                .append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
                .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>Fanfare ")
                .append(Html.escape(title)).append("</title>\n")
                .append("<style>\n")
                .append("body{font-family:sans-serif;margin:2em auto;max-width:860px;color:#222;padding:0 1em}\n")
                .append("table{border-collapse:collapse;font-size:14px}td,th{padding:4px 8px;border-bottom:1px solid #ddd;")
                .append("text-align:right}td:first-child,th:first-child{text-align:left;white-space:nowrap}\n")
                .append(".swatch{display:inline-block;width:10px;height:10px;margin-right:6px}\n")
                .append(".params{color:#555}.bad{color:#b00020;font-weight:bold}\n</style>\n</head>\n<body>\n");
    }

    /** What was published, where, and through what network. */
    static String params(RunResult r) {
        String run = "<p class=\"params\">" + Html.escape(String.format(Locale.ROOT,
                "%s events/s for %.1f s to %s on %s; %d published (%d failed, %d dropped). Started %s on %s.",
                Numbers.ratio(r.ratePerSecond()), r.publishSeconds(), r.channel(), r.gatewayUrl(), r.published(),
                r.publishFailures(), r.publishDropped(), r.startedAt(), r.machine())) + "</p>\n";
        return r.network() == null ? run : run + "<p class=\"params\">Network between the clients and the gateway: "
                + Html.escape(r.network().description()) + ".</p>\n";
    }

    static void appendTable(StringBuilder html, RunResult r) {
        html.append("<table>\n<tr><th>style</th><th>clients</th><th>delivered / expected</th><th>missing</th>")
                .append("<th>conflated</th><th>replaced</th><th>last = latest</th><th>p50 ms</th>")
                .append("<th>p90 ms</th><th>p99 ms</th><th>max ms</th><th>requests / event</th><th>bytes / event</th>")
                .append("<th>connections held</th><th>duplicates</th><th>out of order</th><th>gaps</th></tr>\n");
        for (StyleResult s : r.styles()) {
            String deliveredClass = s.missing() == 0 ? "" : " class=\"bad\"";
            html.append("<tr><td><span class=\"swatch\" style=\"background:").append(StyleColors.of(s.style()))
                    .append("\"></span>").append(Html.escape(s.style())).append("</td>")
                    .append(cell(Long.toString(s.clients())))
                    .append("<td").append(deliveredClass).append('>').append(s.delivered()).append(" / ")
                    .append(s.expected()).append("</td>")
                    .append(cell(Long.toString(s.missing())))
                    .append(cell(Long.toString(s.conflated())))
                    .append(cell(Long.toString(s.replaced())))
                    .append(cell(s.endedOnLatest() + " / " + s.clients()))
                    .append(cell(Numbers.millis(s.latency().p50Millis())))
                    .append(cell(Numbers.millis(s.latency().p90Millis())))
                    .append(cell(Numbers.millis(s.latency().p99Millis())))
                    .append(cell(Numbers.millis(s.latency().maxMillis())))
                    .append(cell(Numbers.ratio(s.requestsPerEvent())))
                    .append(cell(Numbers.ratio(s.bytesPerEvent())))
                    .append(cell(Long.toString(s.connectionsHeld())))
                    .append(cell(Long.toString(s.duplicates())))
                    .append(cell(Long.toString(s.outOfOrder())))
                    .append(cell(Long.toString(s.gaps())))
                    .append("</tr>\n");
        }
        html.append("</table>\n");
    }

    private static void appendBars(StringBuilder html, RunResult r, String title, Function<StyleResult, Double> value) {
        List<SvgCharts.Bar> bars = r.styles().stream()
                .map(s -> new SvgCharts.Bar(s.style(), StyleColors.of(s.style()), value.apply(s))).toList();
        html.append("<h2>").append(Html.escape(title)).append("</h2>\n").append(SvgCharts.bars(bars, CHART_WIDTH, title));
    }

    private static String cell(String text) {
        return "<td>" + Html.escape(text) + "</td>";
    }

    private static String cpuLine(RunResult r) {
        String gateway = r.gatewayCpuSeconds() == null
                ? "Gateway CPU: not measured (" + r.gatewayCpuNote() + ")."
                : String.format(Locale.ROOT, "Gateway CPU (pid %d): %.2f s while publishing and draining, %s µs per "
                + "delivered event.", r.gatewayPid(), r.gatewayCpuSeconds(), Numbers.ratio(r.gatewayCpuMicrosPerDelivery()));
        String client = r.clientCpuSeconds() == null ? ""
                : String.format(Locale.ROOT, " Client CPU (the measuring process): %.2f s.", r.clientCpuSeconds());
        return gateway + client;
    }
}
