package dev.fanfare.gateway.testing;

import dev.fanfare.gateway.core.Principal;
import dev.fanfare.gateway.transport.Caller;
import java.net.InetAddress;

/** Callers for tests of the request glue: who asks, as the router would have found out. */
public final class Callers {

    /** On a node without a key, from this machine: nothing is checked, nothing is limited. */
    public static final Caller ANYONE = new Caller(Principal.OPEN, InetAddress.getLoopbackAddress());

    private Callers() {
    }
}
