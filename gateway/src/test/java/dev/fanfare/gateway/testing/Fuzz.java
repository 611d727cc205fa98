package dev.fanfare.gateway.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;

/** What the jqwik properties share: input generators and the checks every property ends with. */
public final class Fuzz {

    private static final Pattern STATUS = Pattern.compile("HTTP/1\\.[01] (\\d{3}) ");

    private Fuzz() {
    }

    /** The statuses of every HTTP answer in {@code output}. */
    public static List<Integer> statuses(String output) {
        List<Integer> out = new ArrayList<>();
        Matcher m = STATUS.matcher(output);
        while (m.find()) {
            out.add(Integer.parseInt(m.group(1)));
        }
        return out;
    }

    /** No answer is a fault of ours: 505 (a version we do not speak) is the one 5xx bad input may get. */
    public static boolean isOurFault(int status) {
        return status >= 500 && status != 505;
    }

    /** Netty reported no leaked buffer since the last call. */
    public static void assertNoLeaks() {
        assertEquals(List.of(), LeakGuard.detectLeaks(), "Netty reported leaked buffers");
    }

    /** Text as a hostile client writes it: mostly printable, with controls, quotes, escapes and non-ASCII. */
    public static Arbitrary<String> text(int maxLength) {
        return Arbitraries.oneOf(
                Arbitraries.strings().ascii().ofMaxLength(maxLength),
                Arbitraries.strings().withChars("abcxyz/*%25:@.-_?&=+ \"\\{}[],").ofMaxLength(maxLength),
                Arbitraries.strings().all().ofMaxLength(maxLength),
                Arbitraries.of("", "*", "/", "demo/*", "demo/x", "ticker/ACME", "claps/post-1", "%", "%zz", "%00",
                        "\u0000", "\ud800", "null", "a".repeat(200), "demo/" + "k".repeat(129)));
    }
}
