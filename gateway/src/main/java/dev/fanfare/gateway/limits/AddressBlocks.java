package dev.fanfare.gateway.limits;

import io.netty.util.NetUtil;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;

/**
 * A list of address blocks, {@code 10.0.0.0/8}, {@code ::1}, {@code 2001:db8::/32}: trusted
 * proxies, addresses exempt from limits. Literals only: a name is refused, never looked up.
 */
public final class AddressBlocks {

    public static final AddressBlocks NONE = new AddressBlocks(List.of(), List.of());

    private record Block(byte[] prefix, int bits) {
        boolean contains(byte[] address) {
            if (address.length != prefix.length) {
                return false;
            }
            int whole = bits / 8;
            for (int i = 0; i < whole; i++) {
                if (address[i] != prefix[i]) {
                    return false;
                }
            }
            int rest = bits % 8;
            if (rest == 0) {
                return true;
            }
            int mask = 0xff << (8 - rest) & 0xff;
            return (address[whole] & mask) == (prefix[whole] & mask);
        }
    }

    private final List<Block> blocks;
    private final List<String> given;

    private AddressBlocks(List<Block> blocks, List<String> given) {
        this.blocks = List.copyOf(blocks);
        this.given = List.copyOf(given);
    }

    /** Parses {@code address[/bits]} entries; a malformed one is an {@link IllegalArgumentException} naming it. */
    public static AddressBlocks parse(List<String> entries) {
        List<Block> blocks = new ArrayList<>();
        List<String> given = new ArrayList<>();
        for (String raw : entries) {
            String e = raw.strip();
            if (e.isEmpty()) {
                continue;
            }
            int slash = e.indexOf('/');
            byte[] address = NetUtil.createByteArrayFromIpAddressString(slash < 0 ? e : e.substring(0, slash));
            int bits = address == null ? -1 : address.length * 8;
            if (address != null && slash >= 0) {
                try {
                    bits = Integer.parseInt(e.substring(slash + 1));
                } catch (NumberFormatException notNumber) {
                    bits = -1;
                }
            }
            if (address == null || bits < 0 || bits > address.length * 8) {
                throw new IllegalArgumentException("address block: '" + e
                        + "' (expected: an IP address or address/bits, e.g. 10.0.0.0/8 or ::1)");
            }
            blocks.add(new Block(address, bits));
            given.add(e);
        }
        return new AddressBlocks(blocks, given);
    }

    public boolean contains(InetAddress address) {
        if (address == null || blocks.isEmpty()) {
            return false;
        }
        byte[] bytes = address.getAddress();
        for (Block b : blocks) {
            if (b.contains(bytes)) {
                return true;
            }
        }
        return false;
    }

    public boolean isEmpty() {
        return blocks.isEmpty();
    }

    /** An address literal (IPv4 or IPv6, no name lookup), or null when {@code text} is not one. */
    public static InetAddress literal(String text) {
        byte[] bytes = NetUtil.createByteArrayFromIpAddressString(text.strip());
        if (bytes == null) {
            return null;
        }
        try {
            return InetAddress.getByAddress(bytes);
        } catch (UnknownHostException cannotHappen) {
            return null;
        }
    }

    @Override
    public String toString() {
        return given.isEmpty() ? "none" : String.join(",", given);
    }
}
