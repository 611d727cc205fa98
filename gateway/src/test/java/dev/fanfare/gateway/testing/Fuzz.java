package dev.fanfare.gateway.testing;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.fanfare.gateway.core.Json;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What the Jazzer fuzz targets (the {@code *FuzzTest} classes) share: input made from the fuzzer's
 * bytes as a hostile client writes it, and the checks they end with. Each target is fuzzed for
 * {@link #DURATION} in the normal test run (its own JVM: Jazzer fuzzes one target per JVM); a
 * longer run: {@code JAZZER_MAX_DURATION=10m}. A leaked buffer fails the target's class
 * ({@link LeakGuard}, paranoid).
 */
public final class Fuzz {

    /** How long each target is fuzzed in the normal test run. */
    public static final String DURATION = "5s";

    private static final Pattern STATUS = Pattern.compile("HTTP/1\\.[01] (\\d{3}) ");
    private static final JsonNodeFactory NODES = Json.MAPPER.getNodeFactory();
    private static final List<String> TRICKY = List.of("", "*", "/", "demo/*", "demo/x", "ticker/ACME", "claps/post-1",
            "%", "%zz", "%00", "\u0000", "\ud800", "null", "a".repeat(200), "demo/" + "k".repeat(129));
    private static final String PROTOCOL_CHARS = "abcxyz/*%25:@.-_?&=+ \"\\{}[],";

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

    /** Text as a hostile client writes it: ASCII, the protocol's own characters, any UTF-16, or a known tricky value. */
    public static String text(FuzzedDataProvider data, int maxLength) {
        return switch (data.consumeInt(0, 3)) {
            case 0 -> data.consumeAsciiString(maxLength);
            case 1 -> of(data, PROTOCOL_CHARS, maxLength);
            case 2 -> data.consumeString(maxLength);
            default -> data.pickValue(TRICKY);
        };
    }

    /** Up to {@code maxLength} characters of {@code alphabet}. */
    public static String of(FuzzedDataProvider data, String alphabet, int maxLength) {
        int n = data.consumeInt(0, maxLength);
        StringBuilder b = new StringBuilder(n);
        for (int i = 0; i < n && data.remainingBytes() > 0; i++) {
            b.append(alphabet.charAt(data.consumeInt(0, alphabet.length() - 1)));
        }
        return b.toString();
    }

    /** Up to {@code max} of what {@code one} makes. */
    public static <T> List<T> listOf(FuzzedDataProvider data, int max, java.util.function.Supplier<T> one) {
        int n = data.consumeInt(0, max);
        List<T> out = new ArrayList<>(n);
        for (int i = 0; i < n && data.remainingBytes() > 0; i++) {
            out.add(one.get());
        }
        return out;
    }

    /** A JSON value of any type: text (or one of {@code texts}), numbers at and past their edges, booleans, null, arrays, objects. */
    public static JsonNode jsonValue(FuzzedDataProvider data, List<String> texts) {
        return switch (data.consumeInt(0, 8)) {
            case 0 -> NODES.textNode(text(data, 70));
            case 1 -> NODES.textNode(data.pickValue(texts));
            case 2 -> NODES.numberNode(data.consumeLong());
            case 3 -> NODES.numberNode(data.consumeRegularDouble());
            case 4 -> NODES.booleanNode(data.consumeBoolean());
            case 5 -> NODES.nullNode();
            case 6 -> {
                ArrayNode a = Json.MAPPER.createArrayNode();
                listOf(data, 4, () -> data.consumeBoolean() ? data.pickValue(texts) : text(data, 30)).forEach(a::add);
                yield a;
            }
            case 7 -> Json.MAPPER.createObjectNode().put("n", 1);
            default -> number(data.pickValue(List.of("0", "1", "-1", "50", "51", "1e3", "1.5", "99999999999999999999")));
        };
    }

    /** {@code message} with up to {@code max} more fields, each named from {@code fields}, of {@link #jsonValue}. */
    public static ObjectNode withFields(FuzzedDataProvider data, ObjectNode message, List<String> fields, int max,
                                        List<String> texts) {
        for (int i = data.consumeInt(0, max); i > 0 && data.remainingBytes() > 0; i--) {
            message.set(data.pickValue(fields), jsonValue(data, texts));
        }
        return message;
    }

    private static JsonNode number(String literal) {
        try {
            return Json.MAPPER.readTree(literal);
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
