package dev.fanfare.client.report;

import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;

/** Writes a run's {@code result.json} and {@code report.html}, and reads a result back. */
public final class ResultFiles {

    public static final String JSON_NAME = "result.json";
    public static final String HTML_NAME = "report.html";

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

    public static RunResult read(Path json) throws IOException {
        return JSON.readValue(json.toFile(), RunResult.class);
    }
}
