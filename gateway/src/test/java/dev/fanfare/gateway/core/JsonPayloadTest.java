package dev.fanfare.gateway.core;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class JsonPayloadTest {

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static String normalized(String raw) {
        return new String(JsonPayload.normalize(utf8(raw)), StandardCharsets.UTF_8);
    }

    private static JsonNode tree(String json) throws IOException {
        return Json.MAPPER.readTree(json);
    }

    /** What {@code raw} normalizes to, which must be one line: an SSE data line cannot hold a line break. */
    private static String normalizedToOneLine(String raw) {
        String out = normalized(raw);
        assertFalse(out.contains("\n") || out.contains("\r"), () -> "line break left in: " + out);
        return out;
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "{\"a\": 1,   \"b\" : [1, 2 ,3]}",
        "  {\"padded\":true}  ",
        "[]",
        "42",
        "-1.5e3",
        "true",
        "null",
        "\"a string with an escaped \\n newline\"",
        "{\"unicode\":\"caf\u00e9 \u2603\"}",
    })
    void oneLineJsonIsPassedThroughByteIdentical(String raw) {
        assertArrayEquals(utf8(raw), JsonPayload.normalize(utf8(raw)));
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "{\n  \"a\": 1,\n  \"b\": [1,\n 2]\n}",
        "{\r\n  \"crlf\": \"x\"\r\n}",
        "[1,\r2]",
        "{\"a\":1}\n",
        "\n\"just a string\"\n",
    })
    void multiLineJsonIsCompactedToOneLineAndStaysTheSameValue(String raw) throws IOException {
        assertEquals(tree(raw), tree(normalizedToOneLine(raw)));
    }

    @Test
    void multiLineJsonIsCompactedWithoutInsignificantWhitespace() {
        assertEquals("{\"a\":1,\"b\":[1,2]}", normalized("{\n  \"a\": 1,\n  \"b\": [1, 2]\n}"));
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "hello world",
        "say \"hi\"\nand then \\ bye\r\n",
        "{\"a\":",
        "1 2",
        "{\"a\":1} trailing",
        "{\"a\":1}}",
        "[1,2",
        "'single quoted'",
        "NaN",
        "caf\u00e9",
    })
    void nonJsonTextBecomesAOneLineJsonStringOfThatText(String raw) throws IOException {
        JsonNode node = tree(normalizedToOneLine(raw));
        assertTrue(node.isTextual(), node::toString);
        assertEquals(raw, node.textValue());
    }

    @Test
    void emptyOrMissingPayloadBecomesJsonNull() {
        assertEquals("null", new String(JsonPayload.normalize(null), StandardCharsets.US_ASCII));
        assertEquals("null", normalized(""));
    }

    @Test
    void whitespaceOnlyPayloadBecomesAJsonStringNotNull() throws IOException {
        assertEquals(" ", tree(normalized(" ")).textValue());
    }

    @Test
    void textEscapesTheBytesAsOneJsonString() throws IOException {
        assertEquals("\"a\\\"b\\nc\"", new String(JsonPayload.text(utf8("a\"b\nc")), StandardCharsets.UTF_8));
        assertEquals("{\"a\":1}", tree(new String(JsonPayload.text(utf8("{\"a\":1}")), StandardCharsets.UTF_8)).textValue());
        assertEquals("\"\"", new String(JsonPayload.text(new byte[0]), StandardCharsets.UTF_8));
    }

    @ParameterizedTest
    @ValueSource(strings = {"{}", "[1,[2,{\"x\":[]}]]", " 7 ", "\"s\"", "null", "{\n\"a\":\n1\n}"})
    void oneJsonValueIsASingleValue(String raw) {
        assertTrue(JsonPayload.isSingleJsonValue(utf8(raw)), raw);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "   ", "1 2", "{} {}", "[1] x", "{\"a\":1}}", "{\"a\":", "[1,2", "abc", "'x'", "]"})
    void noneOrSeveralOrBrokenValuesAreNotASingleValue(String raw) {
        assertFalse(JsonPayload.isSingleJsonValue(utf8(raw)), raw);
    }

    @ParameterizedTest
    @ValueSource(strings = {"22ff22", "22c322", "7b2261223a22e2827d"})
    void malformedUtf8ThatJacksonRejectsBecomesAStringOfReplacementCharacters(String hex) throws IOException {
        String out = new String(JsonPayload.normalize(HexFormat.of().parseHex(hex)), StandardCharsets.UTF_8);
        assertTrue(tree(out).textValue().contains("\ufffd"), out);
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "22c0af22",     // overlong '/'
        "22eda08022",   // an encoded UTF-16 surrogate (U+D800)
        "22f490808022", // past U+10FFFF
    })
    void normalizedPayloadIsAlwaysWellFormedUtf8(String hex) {
        byte[] out = JsonPayload.normalize(HexFormat.of().parseHex(hex));
        try {
            StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(out));
        } catch (CharacterCodingException e) {
            throw new AssertionError("not UTF-8: " + HexFormat.of().formatHex(out), e);
        }
    }

    @Test
    void aByteOrderMarkIsDroppedAndTheJsonKept() {
        byte[] withBom = HexFormat.of().parseHex("efbbbf7b2261223a317d"); // BOM {"a":1}
        assertEquals("{\"a\":1}", new String(JsonPayload.normalize(withBom), StandardCharsets.UTF_8));
        assertEquals("{\"a\":1}", new String(JsonPayload.fromClient(withBom, true), StandardCharsets.UTF_8));
    }

    @Test
    void utf16JsonIsNeverPassedThroughAsJson() {
        byte[] utf16 = "{\"a\":1}".getBytes(StandardCharsets.UTF_16BE);
        byte[] out = JsonPayload.normalize(utf16);
        assertTrue(out[0] == '"', "carried as a string: " + new String(out, StandardCharsets.UTF_8));
        ApiException refused = org.junit.jupiter.api.Assertions.assertThrows(ApiException.class,
                () -> JsonPayload.fromClient(utf16, true));
        assertEquals(ErrorCode.BAD_JSON, refused.code());
    }

    @ParameterizedTest
    @ValueSource(strings = {"7b226e223a22c0af227d", "7b226e223a22eda080227d", "ff"})
    void aClientPayloadThatIsNotUtf8IsRefusedAsJsonOrText(String hex) {
        for (boolean json : new boolean[] {true, false}) {
            ApiException refused = org.junit.jupiter.api.Assertions.assertThrows(ApiException.class,
                    () -> JsonPayload.fromClient(HexFormat.of().parseHex(hex), json));
            assertEquals(ErrorCode.BAD_ENCODING, refused.code());
        }
    }

    @Test
    void anEscapedLoneSurrogateInMultiLineJsonStaysAnEscapeWhenCompacted() {
        byte[] raw = "{\n\"a\": \"\\ud800\"\n}".getBytes(StandardCharsets.UTF_8);
        assertEquals("{\"a\":\"\\uD800\"}", new String(JsonPayload.normalize(raw), StandardCharsets.UTF_8));
        assertEquals("{\"a\":\"\\uD800\"}", new String(JsonPayload.fromClient(raw, true), StandardCharsets.UTF_8));
    }

    @Test
    void aRecordThatIsNotUtf8IsCountedWhenRepaired() {
        int[] told = {0};
        JsonPayload.normalize(HexFormat.of().parseHex("22c0af22"), () -> told[0]++);
        JsonPayload.normalize("\"fine\"".getBytes(StandardCharsets.UTF_8), () -> told[0]++);
        assertEquals(1, told[0]);
    }
}
