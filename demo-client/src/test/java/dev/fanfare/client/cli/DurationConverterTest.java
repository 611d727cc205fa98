package dev.fanfare.client.cli;

import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class DurationConverterTest {

    private final DurationConverter converter = new DurationConverter();

    @Test
    void readsUnitsPlainSecondsAndIso() {
        assertEquals(Duration.ofMillis(500), converter.convert("500ms"));
        assertEquals(Duration.ofSeconds(30), converter.convert("30s"));
        assertEquals(Duration.ofMillis(1500), converter.convert("1.5s"));
        assertEquals(Duration.ofMinutes(2), converter.convert("2m"));
        assertEquals(Duration.ofHours(1), converter.convert("1h"));
        assertEquals(Duration.ofSeconds(7), converter.convert("7"));
        assertEquals(Duration.ofSeconds(3), converter.convert("PT3S"));
    }

    @Test
    void rejectsZeroNegativeAndNonsenseWithTheExpectedForm() {
        for (String bad : new String[]{"0s", "-1s", "soon", "5 parsecs", "PT0S", "PTxS"}) {
            CommandLine.TypeConversionException e =
                    assertThrows(CommandLine.TypeConversionException.class, () -> converter.convert(bad), bad);
            assertEquals(true, e.getMessage().contains("expected"), e.getMessage());
        }
    }
}
