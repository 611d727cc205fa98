package dev.fanfare.gateway.core;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.UUID;
import java.util.zip.CRC32;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class CursorsTest {

    private final StreamLayout layout = StreamLayout.of(List.of("ticker", "claps"), List.of("a", "b"),
            List.of(UUID.randomUUID(), UUID.randomUUID()), List.of(3, 1));
    private final Cursors cursors = new Cursors(layout);

    /** A layout of four streams of {@code partitions} partitions each, like the default with more partitions. */
    private static Cursors wide(int partitions) {
        return new Cursors(StreamLayout.of(List.of("ticker", "claps", "likes", "demo"), List.of("a", "b", "c", "d"),
                List.of(UUID.randomUUID(), UUID.randomUUID(), UUID.randomUUID(), UUID.randomUUID()),
                List.of(partitions, partitions, partitions, partitions)));
    }

    @Test
    void roundTripsPositionsIncludingUnknown() {
        long[] v = {0, -1, 1L << 40, 7};
        assertArrayEquals(v, cursors.decode(cursors.encode(v, cursors.all())));
    }

    @Test
    void aCursorNamesOnlyItsSetThePartitionsOutsideItAreUnknown() {
        long[] v = {5, 6, 7, 8};
        PartitionSet acme = cursors.setOf(List.of(ChannelName.parse("ticker/ACME")));
        int g = acme.partitions()[0];
        long[] decoded = cursors.decode(cursors.encode(v, acme));
        long[] expected = {-1, -1, -1, -1};
        expected[g] = v[g];
        assertArrayEquals(expected, decoded);

        PartitionSet ticker = cursors.setOf(List.of(ChannelName.parse("ticker/*")));
        assertArrayEquals(new long[] {5, 6, 7, -1}, cursors.decode(cursors.encode(v, ticker)));
        PartitionSet both = cursors.setOf(List.of(ChannelName.parse("ticker/ACME"), ChannelName.parse("claps/p")));
        long[] two = cursors.decode(cursors.encode(v, both));
        assertEquals(v[g], two[g]);
        assertEquals(8, two[3]);
    }

    @Test
    void oneChannelAndWholeStreamSetsAreSharedInstances() {
        PartitionSet a = cursors.setOf(List.of(ChannelName.parse("ticker/ACME")));
        assertSame(a, cursors.setOf(List.of(ChannelName.parse("ticker/ACME"))));
        assertSame(a, cursors.single(a.partitions()[0]));
        assertSame(cursors.setOf(List.of(ChannelName.parse("ticker/*"))),
                cursors.setOf(List.of(ChannelName.parse("ticker/*"), ChannelName.parse("ticker/ACME"))));
    }

    @ParameterizedTest
    @ValueSource(ints = {4, 64, 256})
    void aOneChannelCursorHasTheSameSmallSizeWhateverThePartitionCount(int partitions) {
        Cursors c = wide(partitions);
        long[] v = new long[c.layout().totalPartitions()];
        Arrays.fill(v, 3_000_000_000L);
        String one = c.encode(v, c.setOf(List.of(ChannelName.parse("ticker/ACME"))));
        assertEquals(28, one.length(), one); // 21 bytes: version, 1 topic, its id hash, 1 partition, its offset, CRC
        // A whole stream's: about 2 bytes per partition when the partitions move together.
        for (int p = 0; p < v.length; p++) {
            v[p] += p * 37 % 1000;
        }
        String stream = c.encode(v, c.setOf(List.of(ChannelName.parse("ticker/*"))));
        assertTrue(stream.length() < 28 + partitions * 4, stream.length() + " characters for " + partitions);
        assertArrayEquals(Arrays.copyOf(v, partitions), Arrays.copyOf(c.decode(stream), partitions));
    }

    @Test
    void rejectsDamagedOrForeignText() {
        String good = cursors.encode(new long[] {1, 2, 3, 4}, cursors.all());
        char flipped = good.charAt(5) == 'A' ? 'B' : 'A';
        String damaged = good.substring(0, 5) + flipped + good.substring(6);
        for (String bad : List.of("", "not a cursor!", "AAAA", damaged, good + "AA", "x".repeat(5000))) {
            assertThrows(IllegalArgumentException.class, () -> cursors.decode(bad), bad);
        }
    }

    @Test
    void topicsWithAnotherIdReadAsUnknown() {
        StreamLayout other = StreamLayout.of(List.of("ticker", "claps"), List.of("a", "b"),
                List.of(UUID.randomUUID(), layout.stream("claps").topicId()), List.of(3, 1));
        long[] decoded = new Cursors(other).decode(cursors.encode(new long[] {5, 6, 7, 8}, cursors.all()));
        assertArrayEquals(new long[] {-1, -1, -1, 8}, decoded);
    }

    @Test
    void cursorsIssuedBeforePartitionSetsAreStillRead() {
        long[] v = {5, -1, 1L << 33, 8};
        assertArrayEquals(v, cursors.decode(versionOne(layout, v)));
    }

    /** A cursor as version 1 wrote it: every partition of every topic, offsets + 1 as varints. */
    static String versionOne(StreamLayout layout, long[] positions) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(1);
        out.write(layout.streams().size());
        for (StreamLayout.Stream s : layout.streams()) {
            long h = Cursors.idHash(s.topicId());
            for (int i = 7; i >= 0; i--) {
                out.write((int) (h >>> (i * 8)));
            }
            writeVarint(out, s.partitions());
            for (int p = 0; p < s.partitions(); p++) {
                writeVarint(out, positions[s.global(p)] + 1);
            }
        }
        byte[] body = out.toByteArray();
        CRC32 crc = new CRC32();
        crc.update(body);
        byte[] all = Arrays.copyOf(body, body.length + 4);
        ByteBuffer.wrap(all, body.length, 4).putInt((int) crc.getValue());
        return Base64.getUrlEncoder().withoutPadding().encodeToString(all);
    }

    private static void writeVarint(ByteArrayOutputStream out, long v) {
        for (long x = v; ; x >>>= 7) {
            if ((x & ~0x7FL) == 0) {
                out.write((int) x);
                return;
            }
            out.write((int) ((x & 0x7F) | 0x80));
        }
    }

    @Test
    void partitionMatchesKafkasDefaultPartitioner() {
        // Values from Kafka's own murmur2 for these keys (org.apache.kafka.common.utils.Utils).
        byte[] key = "ACME".getBytes(StandardCharsets.UTF_8);
        assertEquals(org.apache.kafka.common.utils.Utils.toPositive(org.apache.kafka.common.utils.Utils.murmur2(key)) % 7,
                StreamLayout.partitionOf(key, 7));
    }
}
