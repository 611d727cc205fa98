package dev.fanfare.client.load;

import dev.fanfare.client.network.NginxProxy;
import dev.fanfare.client.network.ShapingProxy;
import dev.fanfare.client.style.GatewayAddress;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;

/**
 * The proxies of a {@link NetworkPlan}, started for one run and stopped after it: clients → shaping proxy →
 * nginx → gateway, each present only when planned.
 */
final class Network implements AutoCloseable {

    private final NginxProxy nginx;
    private final ShapingProxy shaping;
    private final GatewayAddress clientAddress;

    private Network(NginxProxy nginx, ShapingProxy shaping, GatewayAddress clientAddress) {
        this.nginx = nginx;
        this.shaping = shaping;
        this.clientAddress = clientAddress;
    }

    static Network start(NetworkPlan plan, GatewayAddress gateway) throws LoadRunException, InterruptedException {
        if (plan.isDirect()) {
            return new Network(null, null, gateway);
        }
        NginxProxy nginx = null;
        try {
            InetSocketAddress next = gateway.socket();
            if (plan.proxy() != null) {
                nginx = NginxProxy.start(gateway.socket(), plan.proxy());
                next = new InetSocketAddress(InetAddress.getLoopbackAddress(), nginx.port());
            }
            ShapingProxy shaping = null;
            if (!plan.link().isNone()) {
                shaping = ShapingProxy.start(next, plan.link(), 1);
                next = new InetSocketAddress(InetAddress.getLoopbackAddress(), shaping.port());
            }
            GatewayAddress viaTheNetwork = GatewayAddress.parse("http://127.0.0.1:" + next.getPort());
            return new Network(nginx, shaping, viaTheNetwork.withToken(gateway.token()));
        } catch (IOException e) {
            if (nginx != null) {
                nginx.close();
            }
            throw new LoadRunException("could not set up the network: " + e.getMessage(), e);
        }
    }

    /** Where the clients connect. */
    GatewayAddress clientAddress() {
        return clientAddress;
    }

    @Override
    public void close() {
        try {
            if (shaping != null) {
                shaping.close();
            }
        } finally {
            if (nginx != null) {
                nginx.close();
            }
        }
    }
}
