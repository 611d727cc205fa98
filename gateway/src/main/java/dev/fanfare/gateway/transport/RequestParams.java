package dev.fanfare.gateway.transport;

import dev.fanfare.gateway.core.ApiException;
import dev.fanfare.gateway.core.ChannelName;
import dev.fanfare.gateway.core.ErrorCode;
import dev.fanfare.gateway.core.Cursors;
import dev.fanfare.gateway.core.StreamLayout;
import dev.fanfare.gateway.core.Text;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;

/**
 * Reads and validates the parameters every subscribe-style request shares: channels and cursor.
 * Every failure is an {@link ApiException} with a message naming what was expected.
 */
public final class RequestParams {

    private final StreamLayout layout;
    private final Cursors cursors;
    private final int maxChannels;

    public RequestParams(StreamLayout layout, Cursors cursors, int maxChannels) {
        this.layout = layout;
        this.cursors = cursors;
        this.maxChannels = maxChannels;
    }

    /** The repeated {@code channel} parameter: at least one, at most the limit, all valid. */
    public List<ChannelName> channels(Map<String, List<String>> query) {
        return channels(query.getOrDefault("channel", List.of()), true);
    }

    /** Validates channel names given as strings (query or WebSocket message). */
    public List<ChannelName> channels(List<String> names, boolean required) {
        if (names.isEmpty() && required) {
            throw new ApiException(ErrorCode.MISSING_CHANNEL, "channel: none (expected: at least one channel=<stream>/<key>)");
        }
        if (names.size() > maxChannels) {
            throw new ApiException(ErrorCode.TOO_MANY_CHANNELS,
                    "channel: " + names.size() + " given (expected: at most " + maxChannels + ")");
        }
        LinkedHashSet<ChannelName> out = new LinkedHashSet<>();
        for (String n : names) {
            out.add(channel(n));
        }
        return new ArrayList<>(out);
    }

    /** One channel, validated against the served streams. */
    public ChannelName channel(String name) {
        try {
            ChannelName c = ChannelName.parse(name);
            layout.require(c);
            return c;
        } catch (IllegalArgumentException e) {
            throw new ApiException(ErrorCode.BAD_CHANNEL, e.getMessage());
        }
    }

    /** A channel one can publish to: like {@link #channel} but never a wildcard. */
    public ChannelName concreteChannel(String name) {
        ChannelName c = channel(name);
        if (c.isWildcard()) {
            throw new ApiException(ErrorCode.BAD_CHANNEL, "channel: " + Text.quote(name) + " (expected: a concrete key, not *)");
        }
        return c;
    }

    /** The decoded cursor, or null when absent or blank. */
    public long[] cursor(String text) {
        if (text == null || text.isEmpty()) {
            return null;
        }
        try {
            return cursors.decode(text);
        } catch (IllegalArgumentException e) {
            throw new ApiException(ErrorCode.BAD_CURSOR, e.getMessage());
        }
    }

    /** An optional integer parameter within bounds. */
    public static int intParam(Map<String, List<String>> query, String name, int dflt, int min, int max) {
        List<String> v = query.get(name);
        if (v == null || v.isEmpty()) {
            return dflt;
        }
        try {
            int n = Integer.parseInt(v.get(0));
            if (n >= min && n <= max) {
                return n;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new ApiException(ErrorCode.BAD_PARAMETER, name + ": " + Text.quote(v.get(0)) + " (expected: " + min + ".." + max + ")");
    }

    public static String first(Map<String, List<String>> query, String name) {
        List<String> v = query.get(name);
        return v == null || v.isEmpty() ? null : v.get(0);
    }
}
