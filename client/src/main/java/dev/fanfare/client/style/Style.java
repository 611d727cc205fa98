package dev.fanfare.client.style;

import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;

/**
 * The four ways a client can follow a channel, named as on the command line, and {@link #AUTO}: the best of
 * them that works between this client and the gateway ({@link FallbackClient}).
 */
public enum Style {
    SHORT_POLL("short-poll"),
    LONG_POLL("long-poll"),
    SSE("sse"),
    WS("ws"),
    AUTO("auto");

    /** The four styles, best first: the order a fallback client tries them in. */
    public static final List<Style> FOUR = List.of(WS, SSE, LONG_POLL, SHORT_POLL);

    private final String cliName;

    Style(String cliName) {
        this.cliName = cliName;
    }

    /** The name used on the command line and in results ({@code short-poll}, {@code long-poll}, ...). */
    public String cliName() {
        return cliName;
    }

    @Override
    public String toString() {
        return cliName;
    }

    /** Parses a command-line name; the message lists the accepted names. */
    public static Style fromCliName(String name) {
        for (Style style : values()) {
            if (style.cliName.equals(name)) {
                return style;
            }
        }
        throw new IllegalArgumentException("style: " + name + " (expected: one of "
                + Arrays.stream(values()).map(Style::cliName).collect(Collectors.joining(", ")) + ")");
    }
}
