package dev.fanfare.client.cli;

import dev.fanfare.client.style.Style;
import picocli.CommandLine;

import java.util.Arrays;
import java.util.Iterator;

/** Reads a style by its command-line name ({@code short-poll}, {@code long-poll}, {@code sse}, {@code ws}). */
public final class StyleConverter implements CommandLine.ITypeConverter<Style> {

    @Override
    public Style convert(String value) {
        try {
            return Style.fromCliName(value.trim());
        } catch (IllegalArgumentException e) {
            throw new CommandLine.TypeConversionException(e.getMessage());
        }
    }

    /** The names, for {@code --help} and shell completion. */
    public static final class Names implements Iterable<String> {
        @Override
        public Iterator<String> iterator() {
            return Arrays.stream(Style.values()).map(Style::cliName).iterator();
        }
    }
}
