package dev.fanfare.client.cli;

import picocli.CommandLine;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Reads {@code 500ms}, {@code 1s}, {@code 1.5s}, {@code 2m}, {@code 1h}, ISO {@code PT1S}, or plain seconds. */
public final class DurationConverter implements CommandLine.ITypeConverter<Duration> {

    private static final Pattern SIMPLE = Pattern.compile("(\\d+(?:\\.\\d+)?)\\s*(ms|s|m|h)?");

    @Override
    public Duration convert(String value) {
        String v = value.trim().toLowerCase(Locale.ROOT);
        if (v.startsWith("pt")) {
            try {
                return positive(Duration.parse(v), value);
            } catch (DateTimeParseException e) {
                throw invalid(value);
            }
        }
        Matcher m = SIMPLE.matcher(v);
        if (!m.matches()) {
            throw invalid(value);
        }
        BigDecimal amount = new BigDecimal(m.group(1));
        String unit = m.group(2) == null ? "s" : m.group(2);
        BigDecimal millis = switch (unit) {
            case "ms" -> amount;
            case "s" -> amount.movePointRight(3);
            case "m" -> amount.multiply(BigDecimal.valueOf(60_000));
            default -> amount.multiply(BigDecimal.valueOf(3_600_000));
        };
        return positive(Duration.ofMillis(millis.longValue()), value);
    }

    private static Duration positive(Duration d, String value) {
        if (d.isNegative() || d.isZero()) {
            throw new CommandLine.TypeConversionException("duration: " + value + " (expected: > 0)");
        }
        return d;
    }

    private static CommandLine.TypeConversionException invalid(String value) {
        return new CommandLine.TypeConversionException(
                "duration: " + value + " (expected: a number with ms, s, m or h, e.g. 500ms, 30s, 2m)");
    }
}
