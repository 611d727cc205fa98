package dev.fanfare.gateway.core;

/**
 * A channel: {@code <stream>/<key>}, or {@code <stream>/*} for every key of the stream.
 * The stream names a Kafka topic, the key is the record key, so one channel's events share one
 * partition and stay in order.
 *
 * <p>Validated once, when made: a stream is {@code [a-z][a-z0-9_-]{0,31}}, a key
 * {@code [A-Za-z0-9._:@-]{1,128}} or {@code *}. The checks are plain loops, not regular
 * expressions: the hub checks every record's key on ingest.
 */
public final class ChannelName {

    public static final String WILDCARD = "*";
    private static final int MAX_STREAM = 32;
    private static final int MAX_KEY = 128;

    private final String stream;
    private final String key;
    private final String text;

    public ChannelName(String stream, String key) {
        this(check(stream, key), key, true);
    }

    private ChannelName(String stream, String key, boolean checked) {
        this.stream = stream;
        this.key = key;
        this.text = stream + '/' + key;
    }

    private static String check(String stream, String key) {
        if (!isValidStream(stream)) {
            throw new IllegalArgumentException("stream: " + Text.quote(stream) + " (expected: [a-z][a-z0-9_-]{0,31})");
        }
        if (!WILDCARD.equals(key) && !isValidKey(key)) {
            throw new IllegalArgumentException("key: " + Text.quote(key) + " (expected: [A-Za-z0-9._:@-]{1,128} or *)");
        }
        return stream;
    }

    /** Parses {@code stream/key}; throws {@link IllegalArgumentException} with a readable reason. */
    public static ChannelName parse(String text) {
        int slash = text.indexOf('/');
        if (slash < 0) {
            throw new IllegalArgumentException("channel: " + Text.quote(text) + " (expected: <stream>/<key> or <stream>/*)");
        }
        return new ChannelName(text.substring(0, slash), text.substring(slash + 1));
    }

    /**
     * The channel of a record's key on a served stream (whose name is valid by construction), or
     * null when the key is not a channel key: one pass over the key, no second check.
     */
    static ChannelName ofRecord(String stream, String key) {
        return isValidKey(key) ? new ChannelName(stream, key, true) : null;
    }

    /** True for a key that a stream's record may carry (not the wildcard). */
    public static boolean isValidKey(String key) {
        if (key == null || key.isEmpty() || key.length() > MAX_KEY) {
            return false;
        }
        for (int i = 0; i < key.length(); i++) {
            char c = key.charAt(i);
            if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                    || c == '.' || c == '_' || c == ':' || c == '@' || c == '-')) {
                return false;
            }
        }
        return true;
    }

    private static boolean isValidStream(String stream) {
        if (stream == null || stream.isEmpty() || stream.length() > MAX_STREAM) {
            return false;
        }
        char first = stream.charAt(0);
        if (first < 'a' || first > 'z') {
            return false;
        }
        for (int i = 1; i < stream.length(); i++) {
            char c = stream.charAt(i);
            if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-')) {
                return false;
            }
        }
        return true;
    }

    public String stream() {
        return stream;
    }

    public String key() {
        return key;
    }

    public boolean isWildcard() {
        return WILDCARD.equals(key);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ChannelName c && c.text.equals(text);
    }

    @Override
    public int hashCode() {
        return text.hashCode();
    }

    /** {@code stream/key}: also the subscription maps' key. */
    @Override
    public String toString() {
        return text;
    }
}
