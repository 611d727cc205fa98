package dev.fanfare.gateway.core;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class CursorsTest {

    private final StreamLayout layout = StreamLayout.of(List.of("ticker", "claps"), List.of("a", "b"),
            List.of(UUID.randomUUID(), UUID.randomUUID()), List.of(3, 1));
    private final Cursors cursors = new Cursors(layout);

    @Test
    void roundTripsPositionsIncludingUnknown() {
        long[] v = {0, -1, 1L << 40, 7};
        assertArrayEquals(v, cursors.decode(cursors.encode(v)));
    }

    @Test
    void rejectsDamagedOrForeignText() {
        String good = cursors.encode(new long[] {1, 2, 3, 4});
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
        long[] decoded = new Cursors(other).decode(cursors.encode(new long[] {5, 6, 7, 8}));
        assertArrayEquals(new long[] {-1, -1, -1, 8}, decoded);
    }

    @Test
    void partitionMatchesKafkasDefaultPartitioner() {
        // Values from Kafka's own murmur2 for these keys (org.apache.kafka.common.utils.Utils).
        byte[] key = "ACME".getBytes(java.nio.charset.StandardCharsets.UTF_8);
        org.junit.jupiter.api.Assertions.assertEquals(
                org.apache.kafka.common.utils.Utils.toPositive(org.apache.kafka.common.utils.Utils.murmur2(key)) % 7,
                StreamLayout.partitionOf(key, 7));
    }
}
