package dev.fanfare.gateway.limits;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.util.List;
import org.junit.jupiter.api.Test;

class ClientAddressesTest {

    private static InetAddress ip(String s) {
        return AddressBlocks.literal(s);
    }

    private final ClientAddresses behindProxies = new ClientAddresses(AddressBlocks.parse(List.of("10.0.0.0/8", "fd00::/8")));

    @Test
    void forwardedForIsIgnoredFromAPeerThatIsNotATrustedProxy() {
        assertEquals(ip("203.0.113.9"), behindProxies.client(ip("203.0.113.9"), List.of("198.51.100.1")));
        assertEquals(ip("10.0.0.1"), new ClientAddresses(AddressBlocks.NONE).client(ip("10.0.0.1"), List.of("198.51.100.1")));
    }

    @Test
    void aTrustedProxyNamesTheClientAndWhatTheClientWroteItselfIsNotBelieved() {
        assertEquals(ip("198.51.100.1"), behindProxies.client(ip("10.0.0.1"), List.of("198.51.100.1")));
        // the client sent "X-Forwarded-For: 1.2.3.4"; the proxy appended the address it saw
        assertEquals(ip("198.51.100.1"), behindProxies.client(ip("10.0.0.1"), List.of("1.2.3.4, 198.51.100.1")));
        // two proxies in a row, the header split over two lines
        assertEquals(ip("198.51.100.1"), behindProxies.client(ip("10.0.0.1"), List.of("1.2.3.4", "198.51.100.1, 10.0.0.2")));
        assertEquals(ip("10.0.0.2"), behindProxies.client(ip("10.0.0.1"), List.of("not-an-address, 10.0.0.2")),
                "past a hop no proxy would write, nothing further is believed");
        assertEquals(ip("10.0.0.1"), behindProxies.client(ip("10.0.0.1"), List.of("evil.example")),
                "names are never looked up");
    }

    @Test
    void blocksMatchByPrefixAndRefuseWhatIsNotAnAddress() {
        AddressBlocks b = AddressBlocks.parse(List.of("192.0.2.0/24", "2001:db8::/32", "::1"));
        assertTrue(b.contains(ip("192.0.2.200")));
        assertFalse(b.contains(ip("192.0.3.1")));
        assertTrue(b.contains(ip("2001:db8:1::5")));
        assertTrue(b.contains(ip("::1")));
        assertFalse(b.contains(ip("127.0.0.1")));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> AddressBlocks.parse(List.of("localhost")));
        assertEquals("address block: 'localhost' (expected: an IP address or address/bits, e.g. 10.0.0.0/8 or ::1)", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> AddressBlocks.parse(List.of("10.0.0.0/33")));
    }

    @Test
    void anIpv6ClientIsCountedByItsSlash64() {
        assertEquals(ClientAddresses.limitKey(ip("2001:db8:1:2::1")), ClientAddresses.limitKey(ip("2001:db8:1:2:ffff::9")));
        assertNotEquals(ClientAddresses.limitKey(ip("2001:db8:1:2::1")), ClientAddresses.limitKey(ip("2001:db8:1:3::1")));
        assertNotEquals(ClientAddresses.limitKey(ip("192.0.2.1")), ClientAddresses.limitKey(ip("192.0.2.2")));
    }
}
