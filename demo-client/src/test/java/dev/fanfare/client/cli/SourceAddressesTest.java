package dev.fanfare.client.cli;

import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class SourceAddressesTest {

    @Test
    void expandsRangesOfTheLastOctetAndKeepsOrder() throws Exception {
        assertEquals(List.of(InetAddress.getByName("127.0.0.1"), InetAddress.getByName("127.0.0.2"),
                        InetAddress.getByName("127.0.0.3"), InetAddress.getByName("127.0.1.9")),
                SourceAddresses.parse("127.0.0.1-3, 127.0.1.9"));
    }

    @Test
    void rejectsHostNamesAndBackwardRanges() {
        assertThrows(IllegalArgumentException.class, () -> SourceAddresses.parse("localhost"));
        assertThrows(IllegalArgumentException.class, () -> SourceAddresses.parse("127.0.0.4-2"));
        assertThrows(IllegalArgumentException.class, () -> SourceAddresses.parse("127.0.0.1-300"));
    }

    @Test
    void loopbackAddressesCanBeBoundAndForeignOnesCannot() throws Exception {
        SourceAddresses.checkBindable(SourceAddresses.parse("127.0.0.1-2"));
        assertThrows(IllegalArgumentException.class,
                () -> SourceAddresses.checkBindable(List.of(InetAddress.getByName("192.0.2.1"))));
    }
}
