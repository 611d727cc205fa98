package dev.fanfare.gateway.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class Utf8Test {

    private static boolean jdkSaysValid(byte[] b) {
        try {
            StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(b));
            return true;
        } catch (CharacterCodingException e) {
            return false;
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "41", "c2a9", "e282ac", "f09f8e89", "f48fbfbf", "efbbbf41", "00"})
    void wellFormedSequencesAreValid(String hex) {
        assertTrue(Utf8.isValid(HexFormat.of().parseHex(hex), 0), hex);
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "80",         // a continuation byte first
        "c0af",       // overlong '/'
        "c1bf",       // overlong
        "e080af",     // overlong 3-byte
        "f08080af",   // overlong 4-byte
        "eda080",     // U+D800, a surrogate
        "edbfbf",     // U+DFFF
        "f4908080",   // past U+10FFFF
        "f5808080",   // lead byte past F4
        "ff",
        "e282",       // truncated
        "c2",         // truncated
        "c241",       // a continuation byte missing
    })
    void illFormedSequencesAreNot(String hex) {
        assertFalse(Utf8.isValid(HexFormat.of().parseHex(hex), 0), hex);
    }

    @Test
    void agreesWithTheJdksStrictDecoderOnRandomBytes() {
        Random random = new Random(20261201);
        for (int run = 0; run < 200_000; run++) {
            byte[] b = new byte[random.nextInt(8)];
            for (int i = 0; i < b.length; i++) {
                // Mostly the interesting range: continuation and lead bytes.
                b[i] = (byte) (random.nextInt(4) == 0 ? random.nextInt(0x80) : 0x80 + random.nextInt(0x80));
            }
            assertEquals(jdkSaysValid(b), Utf8.isValid(b, 0), () -> HexFormat.of().formatHex(b));
        }
    }

    @Test
    void aByteOrderMarkIsRecognised() {
        assertTrue(Utf8.hasBom(HexFormat.of().parseHex("efbbbf7b7d")));
        assertFalse(Utf8.hasBom(HexFormat.of().parseHex("efbb")));
        assertFalse(Utf8.hasBom(HexFormat.of().parseHex("7b7d")));
    }
}
