package dev.fanfare.client;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine;

/**
 * Reads a duration as people type it on a command line: {@code 500ms}, {@code 30s}, {@code 2m}, {@code 1h}, or a bare
 * number of seconds; ISO-8601 ({@code PT30S}) is accepted too. Zero and negative durations are rejected.
 */
public final class DurationConverter implements CommandLine.ITypeConverter<Duration> {

    private static final Pattern HUMAN = Pattern.compile("(\\d+(?:\\.\\d+)?)(ms|s|m|h)?");

    @Override
    public Duration convert(String value) {
        Duration duration = parse(value.trim());
        if (duration.isZero() || duration.isNegative()) {
            throw new CommandLine.TypeConversionException(value + " (expected: a duration > 0, e.g. 30s)");
        }
        return duration;
    }

    /** The same syntax, zero allowed: a delay that may be none ({@code --rtt 0ms}). */
    public static final class OrZero implements CommandLine.ITypeConverter<Duration> {
        @Override
        public Duration convert(String value) {
            Duration duration = parse(value.trim());
            if (duration.isNegative()) {
                throw new CommandLine.TypeConversionException(value + " (expected: a duration >= 0, e.g. 50ms)");
            }
            return duration;
        }
    }

    private static Duration parse(String value) {
        Matcher human = HUMAN.matcher(value);
        if (human.matches()) {
            double amount = Double.parseDouble(human.group(1));
            long nanosPerUnit = switch (human.group(2) == null ? "s" : human.group(2)) {
                case "ms" -> 1_000_000L;
                case "m" -> 60_000_000_000L;
                case "h" -> 3_600_000_000_000L;
                default -> 1_000_000_000L;
            };
            return Duration.ofNanos(Math.round(amount * nanosPerUnit));
        }
        try {
            return Duration.parse(value);
        } catch (DateTimeParseException e) {
            throw new CommandLine.TypeConversionException(
                    value + " (expected: a duration such as 500ms, 30s, 2m, 1h or PT30S)");
        }
    }
}
