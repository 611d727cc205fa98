package dev.fanfare.gateway.core;

/** Small helpers for messages that echo client input back safely. */
public final class Text {
    private static final int MAX_ECHO = 64;

    private Text() {
    }

    /** Quotes client input for an error message, shortened so a huge input cannot bloat the answer. */
    public static String quote(String s) {
        if (s == null) {
            return "null";
        }
        String shown = s.length() > MAX_ECHO ? s.substring(0, MAX_ECHO) + "..." : s;
        StringBuilder b = new StringBuilder(shown.length() + 2).append('\'');
        for (int i = 0; i < shown.length(); i++) {
            char c = shown.charAt(i);
            b.append(c < 0x20 || c == 0x7f ? '?' : c);
        }
        return b.append('\'').toString();
    }
}
