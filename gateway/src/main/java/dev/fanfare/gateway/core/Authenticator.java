package dev.fanfare.gateway.core;

/**
 * Turns a request's credentials into the {@link Principal} it acts for: the one seam between the
 * transports (which find the token: a header, a cookie, a query parameter, a WebSocket message)
 * and the node's token rules. Cheap enough to call on an event loop; never blocks.
 */
public interface Authenticator {

    /**
     * @param token the bearer token as sent, or null when the request carries none
     * @return the token's principal, or an anonymous one when {@code token} is null
     * @throws ApiException {@link ErrorCode#UNAUTHORIZED} for a token that is not valid here,
     *                      {@link ErrorCode#TOKEN_EXPIRED} for one that has expired
     */
    Principal authenticate(String token);

    /** A node without a key: tokens are not read, everybody is {@link Principal#OPEN}. */
    Authenticator OPEN = token -> Principal.OPEN;
}
