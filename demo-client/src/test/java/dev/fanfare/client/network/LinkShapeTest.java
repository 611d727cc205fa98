package dev.fanfare.client.network;

import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LinkShapeTest {

    @Test
    void readsBandwidthAsTcWritesIt() {
        assertEquals(2_000_000, LinkShape.parseBandwidth("2mbit"));
        assertEquals(500_000, LinkShape.parseBandwidth("500kbit"));
        assertEquals(1_000_000_000, LinkShape.parseBandwidth("1gbit"));
        assertEquals(64_000, LinkShape.parseBandwidth("64000"));
        assertEquals(8_000, LinkShape.parseBandwidth("1kbps"), "bps is bytes per second, as in tc");
        assertEquals(1_500_000, LinkShape.parseBandwidth("1.5Mbit"));
        assertEquals(0, LinkShape.parseBandwidth("unlimited"));
        assertEquals(0, LinkShape.parseBandwidth("0"));
    }

    @Test
    void refusesWhatIsNotABandwidthWithTheFormExpected() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> LinkShape.parseBandwidth("fast"));
        assertEquals("bandwidth: fast (expected: e.g. 2mbit, 500kbit, 64000)", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new LinkShape(Duration.ofMillis(-1), Duration.ZERO, 0));
    }

    @Test
    void halfTheRoundTripGoesEachWayAndTheDescriptionSaysAll() {
        LinkShape shape = new LinkShape(Duration.ofMillis(100), Duration.ofMillis(10), 2_000_000);
        assertEquals(Duration.ofMillis(50), shape.oneWay());
        assertEquals("rtt 100 ms, jitter 10 ms, 2 Mbit/s", shape.describe());
        assertTrue(LinkShape.NONE.isNone());
        assertEquals("no added delay", LinkShape.NONE.describe());
    }
}
