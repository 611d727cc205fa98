package dev.fanfare.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class DurationConverterTest {

    private final DurationConverter converter = new DurationConverter();

    @Test
    void readsTheUnitsPeopleType() {
        assertEquals(Duration.ofMillis(500), converter.convert("500ms"));
        assertEquals(Duration.ofSeconds(30), converter.convert("30s"));
        assertEquals(Duration.ofSeconds(30), converter.convert("30"));
        assertEquals(Duration.ofMillis(1500), converter.convert("1.5s"));
        assertEquals(Duration.ofMinutes(2), converter.convert("2m"));
        assertEquals(Duration.ofHours(1), converter.convert("1h"));
        assertEquals(Duration.ofSeconds(45), converter.convert("PT45S"));
    }

    @Test
    void rejectsZeroAndNonsense() {
        assertEquals("0s (expected: a duration > 0, e.g. 30s)",
                assertThrows(CommandLine.TypeConversionException.class, () -> converter.convert("0s")).getMessage());
        assertEquals("soon (expected: a duration such as 500ms, 30s, 2m, 1h or PT30S)",
                assertThrows(CommandLine.TypeConversionException.class, () -> converter.convert("soon"))
                        .getMessage());
    }
}
