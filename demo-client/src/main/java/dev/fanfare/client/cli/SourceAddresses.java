package dev.fanfare.client.cli;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Parses {@code --source-addresses}: IPv4 literals separated by commas, where the last octet may be a
 * range ({@code 127.0.0.1-4} is four addresses). Each address gives the clients its own 28,000-odd
 * ephemeral ports towards one gateway port.
 */
final class SourceAddresses {

    private static final Pattern ITEM = Pattern.compile("(\\d{1,3}\\.\\d{1,3}\\.\\d{1,3}\\.)(\\d{1,3})(?:-(\\d{1,3}))?");

    private SourceAddresses() {
    }

    static List<InetAddress> parse(String spec) {
        List<InetAddress> addresses = new ArrayList<>();
        for (String item : spec.split(",")) {
            Matcher m = ITEM.matcher(item.trim());
            if (!m.matches()) {
                throw new IllegalArgumentException("--source-addresses: " + item
                        + " (expected: IPv4 addresses or ranges such as 127.0.0.1-4, comma-separated)");
            }
            int first = Integer.parseInt(m.group(2));
            int last = m.group(3) == null ? first : Integer.parseInt(m.group(3));
            if (last < first || last > 255) {
                throw new IllegalArgumentException("--source-addresses: " + item + " (expected: a range low-high within 0-255)");
            }
            for (int octet = first; octet <= last; octet++) {
                addresses.add(literal(m.group(1) + octet));
            }
        }
        return addresses;
    }

    /** Fails with a clear message when an address cannot be bound on this machine. */
    static void checkBindable(List<InetAddress> addresses) {
        for (InetAddress address : addresses) {
            try (Socket probe = new Socket()) {
                probe.bind(new InetSocketAddress(address, 0));
            } catch (IOException e) {
                throw new IllegalArgumentException("--source-addresses: " + address.getHostAddress()
                        + " cannot be bound here (" + e.getMessage() + ")");
            }
        }
    }

    private static InetAddress literal(String ip) {
        try {
            return InetAddress.getByName(ip); // a literal: no lookup happens
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("--source-addresses: " + ip + " (expected: an IPv4 address)", e);
        }
    }
}
