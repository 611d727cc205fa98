package dev.fanfare.gateway.limits;

import dev.fanfare.gateway.core.ApiException;
import java.net.InetAddress;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * The node's rate limits on what clients do, per user (a token's subject, or the user a clap
 * names on a node without a key) and per client address: publishes, and claps and likes. A
 * refusal is {@link ApiException#rateLimited} with the seconds after which a retry can succeed.
 * Addresses in the exempt blocks (by default the machine itself: load tests, tools) are not limited.
 */
public final class ClientLimits {

    /** How many actions of one kind a user and an address may take. */
    public record Pair(Rate perUser, Rate perAddress) {
        public static final Pair OFF = new Pair(Rate.OFF, Rate.OFF);
    }

    private final AddressBlocks exempt;
    private final Kind publishes;
    private final Kind counts;

    public ClientLimits(Pair publishes, Pair counts, AddressBlocks exempt, LongSupplier clock) {
        this.exempt = exempt;
        this.publishes = new Kind("publishes", publishes, clock);
        this.counts = new Kind("claps and likes", counts, clock);
    }

    /** No limits at all. */
    public static ClientLimits none() {
        return new ClientLimits(Pair.OFF, Pair.OFF, AddressBlocks.NONE, System::nanoTime);
    }

    /** Whether {@code address} is exempt from every limit. */
    public boolean exempt(InetAddress address) {
        return exempt.contains(address);
    }

    /** One publish by {@code user} (null: none) from {@code from}, or a refusal. */
    public void publish(String user, InetAddress from) {
        publishes.take(user, from);
    }

    /** One clap, like or unlike by {@code user} from {@code from}, or a refusal. */
    public void count(String user, InetAddress from) {
        counts.take(user, from);
    }

    private final class Kind {
        final String name;
        final RateLimiter perUser;
        final RateLimiter perAddress;

        Kind(String name, Pair rates, LongSupplier clock) {
            this.name = name;
            this.perUser = new RateLimiter(rates.perUser(), clock);
            this.perAddress = new RateLimiter(rates.perAddress(), clock);
        }

        void take(String user, InetAddress from) {
            if (from != null && exempt.contains(from)) {
                return;
            }
            if (user != null) {
                refuseIfOver(perUser.take(user), perUser.rate(), "this user");
            }
            if (from != null) {
                refuseIfOver(perAddress.take(ClientAddresses.limitKey(from)), perAddress.rate(), "this address");
            }
        }

        private void refuseIfOver(long waitNanos, Rate rate, String who) {
            if (waitNanos > 0) {
                long seconds = Math.max(1, TimeUnit.NANOSECONDS.toSeconds(waitNanos + 999_999_999L));
                throw ApiException.rateLimited(name + ": too many from " + who + " (expected: at most " + rate
                        + "; retry after " + seconds + " s)", seconds);
            }
        }
    }
}
