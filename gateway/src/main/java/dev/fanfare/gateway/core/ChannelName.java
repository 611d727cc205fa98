package dev.fanfare.gateway.core;

import java.util.regex.Pattern;

/**
 * A channel: {@code <stream>/<key>}, or {@code <stream>/*} for every key of the stream.
 * The stream names a Kafka topic, the key is the record key, so one channel's events share one
 * partition and stay in order.
 */
public record ChannelName(String stream, String key) {

    public static final String WILDCARD = "*";
    private static final Pattern STREAM = Pattern.compile("[a-z][a-z0-9_-]{0,31}");
    private static final Pattern KEY = Pattern.compile("[A-Za-z0-9._:@-]{1,128}");

    public ChannelName {
        if (!STREAM.matcher(stream).matches()) {
            throw new IllegalArgumentException("stream: " + Text.quote(stream) + " (expected: [a-z][a-z0-9_-]{0,31})");
        }
        if (!WILDCARD.equals(key) && !KEY.matcher(key).matches()) {
            throw new IllegalArgumentException("key: " + Text.quote(key) + " (expected: [A-Za-z0-9._:@-]{1,128} or *)");
        }
    }

    /** Parses {@code stream/key}; throws {@link IllegalArgumentException} with a readable reason. */
    public static ChannelName parse(String text) {
        int slash = text.indexOf('/');
        if (slash < 0) {
            throw new IllegalArgumentException("channel: " + Text.quote(text) + " (expected: <stream>/<key> or <stream>/*)");
        }
        return new ChannelName(text.substring(0, slash), text.substring(slash + 1));
    }

    /** True for a key that a stream's record may carry (not the wildcard). */
    public static boolean isValidKey(String key) {
        return key != null && KEY.matcher(key).matches();
    }

    public boolean isWildcard() {
        return WILDCARD.equals(key);
    }

    @Override
    public String toString() {
        return stream + '/' + key;
    }
}
