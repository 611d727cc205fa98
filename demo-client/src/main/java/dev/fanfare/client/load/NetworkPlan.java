package dev.fanfare.client.load;

import dev.fanfare.client.network.LinkShape;
import dev.fanfare.client.network.NginxProxy;

import java.time.Duration;
import java.util.Objects;

/**
 * What stands between a load run's clients and the gateway: a shaped link (delay, jitter, bandwidth), a real
 * nginx, both (clients → shaped link → nginx → gateway) or neither, and whether clients drop and reopen their
 * connections every so often, as phones do. The publisher always talks to the gateway directly, so latency
 * is the styles' own way down to the client.
 *
 * @param link   the shaped link ({@link LinkShape#NONE}: none)
 * @param proxy  nginx in front of the gateway, or null
 * @param churn  every client reconnects this often (each at its own phase), or null
 */
public record NetworkPlan(LinkShape link, NginxProxy.Mode proxy, Duration churn) {

    public static final NetworkPlan DIRECT = new NetworkPlan(LinkShape.NONE, null, null);

    public NetworkPlan {
        Objects.requireNonNull(link, "link");
        if (churn != null && (churn.isNegative() || churn.toMillis() < 100)) {
            throw new IllegalArgumentException("churn: " + churn + " (expected: >= 100 ms)");
        }
    }

    /** True when the clients talk to the gateway straight, as before there were conditions. */
    public boolean isDirect() {
        return link.isNone() && proxy == null;
    }
}
