package dev.fanfare.client.report;

import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;

import javax.xml.parsers.DocumentBuilderFactory;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ResultFilesTest {

    private static StyleResult style(String name, long delivered, long expected, long requests, long... latencyMicros) {
        Histogram h = new Histogram(3);
        for (long v : latencyMicros) {
            h.recordValue(v);
        }
        return StyleResult.of(name, 2, expected, delivered, expected - delivered, 0, 0, 2, 0, 0, 0, delivered,
                requests, delivered * 300, requests * 100, 2, 2, LatencySummary.ofMicros(h), CdfPoint.ofMicros(h));
    }

    private static RunResult sample() {
        return new RunResult("compare", "2026-11-23T18:00:00Z", "Linux, 2 cores, Java 17", "http://localhost:8080",
                "demo/compare-<x>&\"y\"", 20, 3.0, 60, 0, 0, 4242L, 1.5, null, 80.0, 6250.0, 0.7, List.of(
                style("short-poll", 120, 120, 12, 200_000, 400_000, 900_000),
                style("long-poll", 120, 120, 118, 2_000, 3_000, 9_000),
                style("sse", 120, 120, 2, 1_000, 2_000, 5_000),
                style("ws", 119, 120, 2, 900, 1_800, 4_000)), null, null);
    }

    @Test
    void writesJsonThatReadsBackToTheSameResult(@TempDir Path dir) throws Exception {
        RunResult result = sample();
        ResultFiles.Written written = ResultFiles.write(result, dir.resolve("nested/run"));
        assertEquals(dir.resolve("nested/run/result.json"), written.json());
        assertEquals(result, ResultFiles.read(written.json()));
    }

    @Test
    void jsonCarriesTheCountsAndPerEventRatios(@TempDir Path dir) throws Exception {
        RunResult back = ResultFiles.read(ResultFiles.write(sample(), dir).json());
        StyleResult shortPoll = back.styles().get(0);
        assertEquals(120, shortPoll.delivered());
        assertEquals(0.1, shortPoll.requestsPerEvent(), 1e-9);
        assertEquals(300.0, shortPoll.bytesPerEvent(), 1e-9);
        assertEquals(900.0, shortPoll.latency().maxMillis(), 1.0);
        assertEquals(100.0, shortPoll.latencyCdf().get(shortPoll.latencyCdf().size() - 1).percentile());
        assertFalse(back.complete(), "ws missed one event");
        assertTrue(back.styles().get(2).complete());
    }

    private static RunResult at(double rttMillis) {
        RunResult r = sample();
        return new RunResult(r.kind(), r.startedAt(), r.machine(), r.gatewayUrl(), r.channel(), r.ratePerSecond(),
                r.publishSeconds(), r.published(), r.publishFailures(), r.publishDropped(), r.gatewayPid(),
                r.gatewayCpuSeconds(), r.gatewayCpuNote(), r.deliveriesPerSecond(), r.gatewayCpuMicrosPerDelivery(),
                r.clientCpuSeconds(), r.styles(),
                new Conditions(rttMillis, 5, 2_000_000, null, null, null, "rtt " + (long) rttMillis + " ms"), null);
    }

    @Test
    void aSweepWritesEveryRunAndAReportChartingLatencyAgainstRttPerStyle(@TempDir Path dir) throws Exception {
        List<RunResult> runs = List.of(at(0), at(50), at(200));
        Path html = ResultFiles.writeSweep(runs, dir);

        RunResult[] back = new com.fasterxml.jackson.databind.ObjectMapper()
                .readValue(dir.resolve(ResultFiles.SWEEP_JSON_NAME).toFile(), RunResult[].class);
        assertEquals(runs, List.of(back));
        assertEquals(200.0, back[2].network().rttMillis());
        String report = Files.readString(html);
        assertTrue(report.contains("p50 latency (ms) against round-trip time added (ms)"), report);
        assertEquals(2, report.split("<svg", -1).length - 1, "a p50 and a p99 chart");
        for (String style : List.of("short-poll", "long-poll", "sse", "ws")) {
            assertTrue(report.contains("<title>" + style + "</title></polyline>"), style);
        }
        assertTrue(report.contains("rtt 200 ms"), "each run's conditions are named");
    }

    @Test
    void ratiosAreAbsentWhenNothingWasDelivered() {
        StyleResult none = style("sse", 0, 60, 2);
        assertNull(none.requestsPerEvent());
        assertNull(none.bytesPerEvent());
        assertEquals(LatencySummary.EMPTY, none.latency());
        assertTrue(none.latencyCdf().isEmpty());
    }

    @Test
    void htmlReportIsSelfContainedWithOneWellFormedChartPerFigure(@TempDir Path dir) throws Exception {
        String html = Files.readString(ResultFiles.write(sample(), dir).html(), StandardCharsets.UTF_8);

        assertFalse(html.contains("<script"), "no script at all");
        assertFalse(html.contains("<link"), "no external stylesheet");
        assertFalse(Pattern.compile("(src|href)\\s*=", Pattern.CASE_INSENSITIVE).matcher(html).find(),
                "nothing loaded from anywhere");
        assertFalse(html.contains("url("), "no CSS resource");

        Matcher svg = Pattern.compile("<svg.*?</svg>", Pattern.DOTALL).matcher(html);
        int charts = 0;
        while (svg.find()) {
            Document doc = DocumentBuilderFactory.newInstance().newDocumentBuilder()
                    .parse(new ByteArrayInputStream(svg.group().getBytes(StandardCharsets.UTF_8)));
            assertEquals("svg", doc.getDocumentElement().getTagName());
            charts++;
        }
        assertEquals(3, charts, "latency CDF, requests per event, bytes per event");
        for (String styleName : List.of("short-poll", "long-poll", "sse", "ws")) {
            assertTrue(html.contains(">" + styleName + "<"), styleName + " is named in the report");
        }
        assertTrue(html.contains("119 / 120"), "the table shows delivered / expected");
        assertTrue(html.contains("demo/compare-&lt;x&gt;&amp;&quot;y&quot;"), "text is escaped");
    }

    @Test
    void cdfLinesHaveOnePointPerSampledPercentile() {
        String svg = SvgCharts.cdf(List.of(new SvgCharts.Series("sse", "#1b9e77",
                CdfPoint.ofMicros(histogramOf(1_000, 2_000, 50_000)))), 600, 300);
        Matcher points = Pattern.compile("points=\"([^\"]+)\"").matcher(svg);
        assertTrue(points.find());
        assertEquals(CdfPoint.ofMicros(histogramOf(1_000, 2_000, 50_000)).size(), points.group(1).split(" ").length);
    }

    private static Histogram histogramOf(long... micros) {
        Histogram h = new Histogram(3);
        for (long v : micros) {
            h.recordValue(v);
        }
        return h;
    }

    /** sse clients at most 2 events/s of 20: 12 events received, each replacing 9 others, every client on the latest. */
    private static RunResult limited() {
        Histogram h = histogramOf(1_000, 2_000);
        StyleResult sse = StyleResult.of("sse", 2, 120, 12, 0, 12, 108, 2, 0, 0, 0, 12, 2, 3600, 200, 2, 2,
                LatencySummary.ofMicros(h), CdfPoint.ofMicros(h));
        RunResult r = sample();
        return new RunResult(r.kind(), r.startedAt(), r.machine(), r.gatewayUrl(), r.channel(), r.ratePerSecond(),
                r.publishSeconds(), r.published(), 0, 0, null, null, "not measured", 4.0, null, null, List.of(sse),
                new Conditions(0, 0, 0, null, null, 2, "direct; every client asks for at most 2 events/s (max_rate)"), null);
    }

    @Test
    void underAMaximumRateTheReportsShowWhatWasConflatedAndARunWithNothingMissingIsComplete(@TempDir Path dir)
            throws Exception {
        RunResult result = limited();
        ResultFiles.Written written = ResultFiles.write(result, dir);
        RunResult back = ResultFiles.read(written.json());
        assertEquals(result, back);
        assertEquals(2, back.network().maxRate());
        StyleResult sse = back.styles().get(0);
        assertEquals(108, sse.replaced());
        assertTrue(back.complete(), "12 of 120 delivered, but nothing missing: the rest was replaced");

        String[] row = ResultTable.compare(result).lines().filter(l -> l.startsWith("sse")).findFirst().orElseThrow()
                .trim().split("\\s+");
        assertEquals(List.of("sse", "2", "12/120", "(10.0%)", "0", "12", "108", "2/2"), List.of(row).subList(0, 8),
                "style, clients, delivered/expected, missing, conflated, replaced, last=latest");
        String html = Files.readString(written.html());
        assertTrue(html.contains("<th>conflated</th><th>replaced</th>"), html);
        assertTrue(html.contains("<td>12 / 120</td><td>0</td><td>12</td><td>108</td><td>2 / 2</td>"), html);
        assertTrue(html.contains("at most 2 events/s (max_rate)"), "the condition is named");
    }

    @Test
    void aRunWithEventsMissingIsFlaggedAndIncomplete() {
        StyleResult ws = sample().styles().get(3);
        assertEquals(1, ws.missing());
        assertFalse(ws.complete());
        assertTrue(HtmlReport.render(sample()).contains("<td class=\"bad\">119 / 120</td>"));
    }

    @Test
    void consoleTablesShowEveryStyleAndTheGatewayCost() {
        String compare = ResultTable.compare(sample());
        for (String styleName : List.of("short-poll", "long-poll", "sse", "ws")) {
            assertTrue(compare.contains(styleName));
        }
        assertTrue(compare.contains("119/120"));
        assertTrue(compare.contains("gateway CPU (pid 4242): 1.50 s"));
        String bench = ResultTable.bench(sample());
        assertTrue(bench.contains("deliveries/s"));
        assertTrue(bench.contains("6250"), "CPU microseconds per delivery");
    }
}
