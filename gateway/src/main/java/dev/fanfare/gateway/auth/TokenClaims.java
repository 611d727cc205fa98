package dev.fanfare.gateway.auth;

/**
 * The claim a Fanfare token carries besides the registered ones ({@code sub}, {@code exp}, ...):
 * {@code "fanfare": {"subscribe": [patterns], "publish": [patterns]}}, each pattern a channel
 * ({@code stream/key}) or a whole stream ({@code stream/*}).
 */
public final class TokenClaims {

    /** The object holding the grants. */
    public static final String FANFARE = "fanfare";
    /** In {@link #FANFARE}: channel patterns the holder may subscribe to. */
    public static final String SUBSCRIBE = "subscribe";
    /** In {@link #FANFARE}: channel patterns the holder may publish on. */
    public static final String PUBLISH = "publish";

    private TokenClaims() {
    }
}
