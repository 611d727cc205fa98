package dev.fanfare.gateway.transport;

import dev.fanfare.gateway.core.Principal;
import java.net.InetAddress;

/**
 * Who asks: the principal its token makes it, and the client address its limits count under.
 * A WebSocket's caller changes when it authenticates or refreshes its token.
 */
public record Caller(Principal principal, InetAddress address) {

    /** The user a publish counts for in the limits: the token's subject, or nobody in particular. */
    public String user() {
        return principal.subject();
    }
}
