package dev.fanfare.gateway.transport;

import dev.fanfare.gateway.auth.AllowedOrigins;
import dev.fanfare.gateway.config.GatewayConfig;
import dev.fanfare.gateway.core.Authenticator;
import dev.fanfare.gateway.limits.AddressBlocks;
import dev.fanfare.gateway.limits.ClientAddresses;
import dev.fanfare.gateway.limits.ClientLimits;
import io.netty.channel.Channel;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpRequest;
import java.net.InetAddress;
import java.net.InetSocketAddress;

/**
 * Who may do what, and how much, as the transports ask it: the authenticator (token to
 * principal), the allowed origins, the client addresses behind trusted proxies, the rate limits
 * and the connections per address.
 */
public record Access(Authenticator authenticator, AllowedOrigins origins, ClientAddresses addresses,
                     ClientLimits limits, AddressLimiter connections, GatewayConfig.Limits config) {

    static final String FORWARDED_FOR = "X-Forwarded-For";
    static final String FORWARDED_HOST = "X-Forwarded-Host";

    /** The node's access rules from its configuration, with {@code authenticator} for tokens. */
    public static Access of(GatewayConfig config, Authenticator authenticator) {
        GatewayConfig.Limits l = config.limits();
        ClientAddresses addresses = new ClientAddresses(AddressBlocks.parse(l.trustedProxies()));
        AddressBlocks exempt = AddressBlocks.parse(l.exempt());
        return new Access(authenticator, AllowedOrigins.parse(config.auth().allowedOrigins()), addresses,
                new ClientLimits(l.publishes(), l.counts(), exempt, System::nanoTime),
                new AddressLimiter(l.connectionsPerAddress(), addresses, exempt), l);
    }

    /** The address of the connection's peer; a connection without one (in-process) counts as the machine's own. */
    public static InetAddress peer(Channel ch) {
        return ch.remoteAddress() instanceof InetSocketAddress a && a.getAddress() != null
                ? a.getAddress() : InetAddress.getLoopbackAddress();
    }

    /** The client a request comes from: the peer, or whom a trusted proxy forwards. */
    public InetAddress client(Channel ch, HttpRequest request) {
        return addresses.client(peer(ch), request.headers().getAll(FORWARDED_FOR));
    }

    /** The authority the request was sent to: its {@code Host}, or what a trusted proxy forwards. */
    public String host(Channel ch, HttpRequest request) {
        String forwarded = request.headers().get(FORWARDED_HOST);
        if (forwarded != null && addresses.trusts(peer(ch))) {
            int comma = forwarded.indexOf(',');
            return (comma < 0 ? forwarded : forwarded.substring(0, comma)).strip();
        }
        return request.headers().get(HttpHeaderNames.HOST);
    }
}
