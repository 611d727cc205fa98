package dev.fanfare.gateway.auth;

/** The names of the claims a Fanfare token carries besides the registered ones ({@code sub}, {@code exp}, ...). */
public final class TokenClaims {

    /** Channel patterns the holder may subscribe to. */
    public static final String SUBSCRIBE = "subscribe";
    /** Channel patterns the holder may publish on. */
    public static final String PUBLISH = "publish";

    private TokenClaims() {
    }
}
