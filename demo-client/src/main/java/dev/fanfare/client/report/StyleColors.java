package dev.fanfare.client.report;

import java.util.Map;

/** One colour per style, the same in every chart (colour-blind safe, from ColorBrewer "Dark2"). */
final class StyleColors {

    private static final Map<String, String> COLORS = Map.of(
            "short-poll", "#d95f02",
            "long-poll", "#7570b3",
            "sse", "#1b9e77",
            "ws", "#e7298a",
            "auto", "#666666");

    private StyleColors() {
    }

    static String of(String style) {
        return COLORS.getOrDefault(style, "#666666");
    }
}
