package dev.fanfare.gateway.core;

/**
 * Strict UTF-8 (RFC 3629): what a WebSocket text frame must hold (RFC 6455 section 8.1), and so
 * every event payload. Refuses overlong forms, surrogates (U+D800..U+DFFF), code points past
 * U+10FFFF and truncated sequences. A plain loop: it runs on every record ingested, and ASCII,
 * the common case, costs one comparison a byte.
 */
public final class Utf8 {

    private Utf8() {
    }

    /** True when every byte of {@code b} from {@code from} on belongs to a well-formed UTF-8 sequence. */
    public static boolean isValid(byte[] b, int from) {
        int i = from;
        int n = b.length;
        while (i < n) {
            int c = b[i] & 0xFF;
            if (c < 0x80) {
                i++;
                continue;
            }
            int need;
            int min;
            if (c >= 0xC2 && c <= 0xDF) {
                need = 1;
                min = 0x80;
            } else if (c >= 0xE0 && c <= 0xEF) {
                need = 2;
                min = 0x800;
            } else if (c >= 0xF0 && c <= 0xF4) {
                need = 3;
                min = 0x10000;
            } else {
                return false; // a continuation byte first, an overlong C0/C1 lead, or F5..FF
            }
            if (i + need >= n) {
                return false; // truncated
            }
            int cp = c & (0x3F >> need);
            for (int k = 1; k <= need; k++) {
                int cc = b[i + k] & 0xFF;
                if ((cc & 0xC0) != 0x80) {
                    return false;
                }
                cp = (cp << 6) | (cc & 0x3F);
            }
            if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) {
                return false;
            }
            i += need + 1;
        }
        return true;
    }

    /** True when {@code b} starts with the UTF-8 byte order mark EF BB BF. */
    public static boolean hasBom(byte[] b) {
        return b.length >= 3 && (b[0] & 0xFF) == 0xEF && (b[1] & 0xFF) == 0xBB && (b[2] & 0xFF) == 0xBF;
    }
}
