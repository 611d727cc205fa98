package dev.fanfare.gateway.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.UnpooledByteBufAllocator;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * What a cursor costs on the wire per event, by style, for a one-channel and a {@code stream/*}
 * subscriber, at 4, 64 and 256 partitions per topic (four streams, as the default) with offsets
 * above 10^9: printed as the table in docs/PROTOCOL.md ("Cursor"), and held to its shape: a
 * one-channel subscriber's cost does not depend on the partition count, a stream's grows with the
 * stream's partitions only.
 */
class CursorSizeTest {

    private static final int[] PARTITIONS = {4, 64, 256};
    /** A ticker update of about 100 bytes. */
    private static final byte[] DATA = "{\"symbol\":\"ACME\",\"last\":101.25,\"bid\":101.2,\"ask\":101.3,\"volume\":1234567,\"ts\":1796120000123}"
            .getBytes(StandardCharsets.UTF_8);

    private static Cursors cursors(int partitions) {
        return new Cursors(StreamLayout.of(List.of("ticker", "claps", "likes", "demo"), List.of("a", "b", "c", "d"),
                List.of(UUID.randomUUID(), UUID.randomUUID(), UUID.randomUUID(), UUID.randomUUID()),
                List.of(partitions, partitions, partitions, partitions)));
    }

    /** Offsets above 10^9 that differ between partitions by up to a few thousand, as a busy topic's do. */
    private static long[] positions(Cursors c) {
        long[] v = new long[c.layout().totalPartitions()];
        for (int g = 0; g < v.length; g++) {
            v[g] = 1_000_000_000L + (g * 7919L) % 5000;
        }
        return v;
    }

    private static int frame(Envelopes.Format format, String cursor) {
        ByteBuf b = Envelopes.encode(UnpooledByteBufAllocator.DEFAULT, format, "ticker/ACME", cursor, 1796120000123L,
                DATA, false);
        try {
            return b.readableBytes();
        } finally {
            b.release();
        }
    }

    @Test
    void aOneChannelCursorIsTheSameSizeAtAnyPartitionCountAStreamsGrowsWithItsPartitionsOnly() {
        StringBuilder table = new StringBuilder("| partitions per topic | subscriber | cursor chars | SSE event bytes"
                + " (cursor bytes) | WebSocket frame bytes | poll/long-poll envelope bytes |\n|---|---|---|---|---|---|\n");
        int[] one = new int[PARTITIONS.length];
        int[] stream = new int[PARTITIONS.length];
        for (int i = 0; i < PARTITIONS.length; i++) {
            Cursors c = cursors(PARTITIONS[i]);
            long[] v = positions(c);
            String single = c.encode(v, c.setOf(List.of(ChannelName.parse("ticker/ACME"))));
            String wild = c.encode(v, c.setOf(List.of(ChannelName.parse("ticker/*"))));
            String before = CursorsTest.versionOne(c.layout(), v);
            one[i] = single.length();
            stream[i] = wild.length();
            assertEquals(v[c.setOf(List.of(ChannelName.parse("ticker/ACME"))).partitions()[0]],
                    c.decode(single)[c.setOf(List.of(ChannelName.parse("ticker/ACME"))).partitions()[0]]);
            assertEquals(Arrays.stream(v, 0, PARTITIONS[i]).boxed().toList(),
                    Arrays.stream(c.decode(wild), 0, PARTITIONS[i]).boxed().toList());
            for (String[] row : List.of(new String[] {"`ticker/ACME`", single}, new String[] {"`ticker/*`", wild},
                    new String[] {"either, before (version 1: every partition)", before})) {
                String cursor = row[1];
                table.append("| ").append(PARTITIONS[i]).append(" | ").append(row[0]).append(" | ").append(cursor.length())
                        .append(" | ").append(frame(Envelopes.Format.SSE, cursor)).append(" (").append(2 * cursor.length())
                        .append(") | ").append(frame(Envelopes.Format.WS, cursor)).append(" | ")
                        .append(frame(Envelopes.Format.JSON, cursor)).append(" |\n");
            }
        }
        System.out.println("Cursor sizes, " + DATA.length + "-byte payload:\n" + table);
        assertEquals(one[0], one[1]);
        assertEquals(one[0], one[2]);
        assertTrue(one[0] <= 32, "a few dozen characters: " + one[0]);
        for (int i = 0; i < PARTITIONS.length; i++) {
            assertTrue(stream[i] <= 32 + PARTITIONS[i] * 4, "at most 3 bytes a partition: " + stream[i]);
        }
    }
}
