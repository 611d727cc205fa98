package dev.fanfare.gateway.transport;

import dev.fanfare.gateway.limits.AddressBlocks;
import dev.fanfare.gateway.limits.ClientAddresses;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.AttributeKey;
import java.net.InetAddress;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps one client address (IPv6: one /64) from taking the node's connections: the sibling of
 * {@link ConnectionLimiter}, per address. A connection is counted when accepted, under its peer's
 * address; one from a trusted proxy is counted at its first request, under the client the proxy
 * names ({@link #admitForwarded}). Past the limit a connection may still ask {@code /health};
 * anything else is answered 503 {@code too_many_connections} with {@code Retry-After} (a WebSocket
 * upgrade: the handshake, then close 1013 with the reason) and it is closed. Past the limit plus
 * a small grace it is closed at once, unanswered. Exempt addresses are not counted.
 */
@ChannelHandler.Sharable
public final class AddressLimiter extends ChannelInboundHandlerAdapter {

    private static final Logger log = LoggerFactory.getLogger(AddressLimiter.class);
    private static final RefusalLog refusals = new RefusalLog(log);
    private static final AttributeKey<Boolean> OVER_LIMIT = AttributeKey.valueOf("fanfare.overAddressLimit");
    private static final AttributeKey<Boolean> COUNTED = AttributeKey.valueOf("fanfare.addressCounted");

    private final int limit;
    private final ClientAddresses addresses;
    private final AddressBlocks exempt;
    private final Map<Object, Integer> open = new ConcurrentHashMap<>();

    /** @param limit connections per address; 0: no limit */
    public AddressLimiter(int limit, ClientAddresses addresses, AddressBlocks exempt) {
        this.limit = limit;
        this.addresses = addresses;
        this.exempt = exempt;
    }

    public int limit() {
        return limit;
    }

    /** Whether {@code ch} came past its address's limit: it is answered 503 for anything but {@code /health}. */
    static boolean isOverLimit(Channel ch) {
        return Boolean.TRUE.equals(ch.attr(OVER_LIMIT).get());
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        InetAddress peer = Access.peer(ctx.channel());
        if (addresses.trusts(peer) || admit(ctx.channel(), peer)) {
            ctx.fireChannelActive();
        }
    }

    /**
     * Counts a connection of a trusted proxy under the client its first request names; later
     * requests on it change nothing (a proxy keeps one client per connection for its streams).
     */
    void admitForwarded(Channel ch, InetAddress client) {
        if (limit > 0 && ch.attr(COUNTED).setIfAbsent(true) == null) {
            admit(ch, client);
        }
    }

    /** @return false when the connection was closed (past the limit and the grace) */
    private boolean admit(Channel ch, InetAddress client) {
        if (limit == 0 || exempt.contains(client)) {
            return true;
        }
        Object key = ClientAddresses.limitKey(client);
        int n = open.merge(key, 1, Integer::sum);
        ch.closeFuture().addListener(f -> open.computeIfPresent(key, (k, c) -> c == 1 ? null : c - 1));
        if (n > limit + ConnectionLimiter.GRACE) {
            refusals.refused("address_connection_limit", "connection dropped unanswered: " + n + " open from "
                    + client.getHostAddress() + ", limit " + limit);
            ch.close();
            return false;
        }
        if (n > limit) {
            refusals.refused("address_connection_limit", "connection over the limit: " + n + " open from "
                    + client.getHostAddress() + ", limit " + limit);
            ch.attr(OVER_LIMIT).set(true);
        }
        return true;
    }

    /** Connections counted under {@code address} now. */
    int openFrom(InetAddress address) {
        return open.getOrDefault(ClientAddresses.limitKey(address), 0);
    }
}
