package dev.fanfare.gateway.limits;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.Arrays;
import java.util.List;

/**
 * Which address a request comes from: the peer's, or, when the peer is a trusted proxy, the one
 * the proxies name in {@code X-Forwarded-For}. The header is read from the right (the hop the
 * peer itself saw) past every trusted proxy: what a client writes into it itself stands to the
 * left and is never believed. Without trusted proxies the header is ignored.
 */
public final class ClientAddresses {

    private final AddressBlocks trusted;

    public ClientAddresses(AddressBlocks trusted) {
        this.trusted = trusted;
    }

    /** Whether {@code peer} is a proxy whose forwarding headers are believed. */
    public boolean trusts(InetAddress peer) {
        return trusted.contains(peer);
    }

    /**
     * The client behind {@code peer}.
     *
     * @param forwardedFor every {@code X-Forwarded-For} header of the request, in order (empty: none)
     */
    public InetAddress client(InetAddress peer, List<String> forwardedFor) {
        if (forwardedFor.isEmpty() || !trusted.contains(peer)) {
            return peer;
        }
        InetAddress client = peer;
        for (int h = forwardedFor.size() - 1; h >= 0; h--) {
            String[] hops = forwardedFor.get(h).split(",");
            for (int i = hops.length - 1; i >= 0; i--) {
                InetAddress hop = AddressBlocks.literal(hops[i]);
                if (hop == null) {
                    return client; // a hop a proxy would not write: believe no further than the last good one
                }
                client = hop;
                if (!trusted.contains(hop)) {
                    return hop;
                }
            }
        }
        return client;
    }

    /**
     * What limits count {@code address} under: the address itself, or for IPv6 its /64, which one
     * client usually holds whole (counting each of its addresses apart would limit nothing).
     */
    public static Object limitKey(InetAddress address) {
        if (address instanceof Inet6Address) {
            return new Prefix64(Arrays.copyOf(address.getAddress(), 8));
        }
        return address;
    }

    private record Prefix64(byte[] bytes) {
        @Override
        public boolean equals(Object o) {
            return o instanceof Prefix64 p && Arrays.equals(bytes, p.bytes);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(bytes);
        }
    }
}
