package dev.fanfare.client.report;

import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;

/** Writes a run's {@code result.json} and {@code report.html}, and reads a result back. */
public final class ResultFiles {

    public static final String JSON_NAME = "result.json";
    public static final String HTML_NAME = "report.html";
    public static final String SWEEP_JSON_NAME = "sweep.json";
    /** The p50 chart alone, for pages that embed it (the README). */
    public static final String SWEEP_SVG_NAME = "latency-against-rtt.svg";

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss");

    /** Where the two files went. */
    public record Written(Path json, Path html) {
    }

    private ResultFiles() {
    }

    /** {@code target/<kind>-<yyyyMMdd-HHmmss>} under the working directory. */
    public static Path defaultDirectory(String kind, LocalDateTime when) {
        return Path.of("target", kind + "-" + STAMP.format(when));
    }

    /** Creates {@code dir} if needed and writes both files into it. */
    public static Written write(RunResult result, Path dir) throws IOException {
        Files.createDirectories(dir);
        Path json = dir.resolve(JSON_NAME);
        Path html = dir.resolve(HTML_NAME);
        Files.writeString(json, toJson(result, true) + System.lineSeparator(), StandardCharsets.UTF_8);
        Files.writeString(html, HtmlReport.render(result), StandardCharsets.UTF_8);
        return new Written(json, html);
    }

    /** JSON of {@code result}, indented or on one line. */
    public static String toJson(RunResult result, boolean indented) {
        try {
            return indented ? JSON.writerWithDefaultPrettyPrinter().writeValueAsString(result) : JSON.writeValueAsString(result);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Writes a sweep's {@code sweep.json} (every run's result, in order), {@code report.html} (latency against
     * RTT per style, each run's figures) and the p50 chart as {@code latency-against-rtt.svg} into {@code dir};
     * returns the report.
     */
    public static Path writeSweep(List<RunResult> results, Path dir) throws IOException {
        Files.createDirectories(dir);
        Files.writeString(dir.resolve(SWEEP_JSON_NAME),
                JSON.writerWithDefaultPrettyPrinter().writeValueAsString(results) + System.lineSeparator(), StandardCharsets.UTF_8);
        Path html = dir.resolve(HTML_NAME);
        Files.writeString(html, SweepReport.render(results), StandardCharsets.UTF_8);
        Files.writeString(dir.resolve(SWEEP_SVG_NAME), SweepReport.chart(results, "p50"), StandardCharsets.UTF_8);
        return html;
    }

    public static RunResult read(Path json) throws IOException {
        return JSON.readValue(json.toFile(), RunResult.class);
    }
}
