package dev.fanfare.gateway.auth;

import dev.fanfare.gateway.core.ChannelName;
import dev.fanfare.gateway.core.Principal;
import dev.fanfare.gateway.core.Text;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * What a token grants, as channel patterns: {@code stream/key} (that channel) or {@code stream/*}
 * (every key of the stream, and the wildcard subscription itself); plus the public streams,
 * which anybody may subscribe to. A pattern grants nothing beyond itself: {@code demo/a} does not
 * let its holder subscribe to {@code demo/*}.
 */
public final class ChannelGrants implements Principal.Grants {

    /** Patterns one token may carry; more is a token no issuer meant. */
    public static final int MAX_PATTERNS = 256;

    private final Patterns subscribe;
    private final Patterns publish;
    private final Set<String> publicStreams;

    private ChannelGrants(Patterns subscribe, Patterns publish, Set<String> publicStreams) {
        this.subscribe = subscribe;
        this.publish = publish;
        this.publicStreams = Set.copyOf(publicStreams);
    }

    /** What anybody without a token may do: subscribe to the public streams. */
    public static ChannelGrants publicOnly(List<String> publicStreams) {
        return new ChannelGrants(Patterns.NONE, Patterns.NONE, new HashSet<>(publicStreams));
    }

    /**
     * A token's grants.
     *
     * @throws IllegalArgumentException naming the first pattern that is not {@code stream/key} or {@code stream/*}
     */
    public static ChannelGrants of(List<String> subscribe, List<String> publish, List<String> publicStreams) {
        return new ChannelGrants(Patterns.parse("subscribe", subscribe), Patterns.parse("publish", publish),
                new HashSet<>(publicStreams));
    }

    @Override
    public boolean maySubscribe(ChannelName channel) {
        return publicStreams.contains(channel.stream()) || subscribe.covers(channel);
    }

    @Override
    public boolean mayPublish(ChannelName channel) {
        return publish.covers(channel);
    }

    @Override
    public String describe(boolean publishing) {
        List<String> all = new ArrayList<>(publishing ? publish.shown : subscribe.shown);
        if (!publishing) {
            publicStreams.stream().sorted().forEach(s -> all.add(s + "/* (public)"));
        }
        return all.isEmpty() ? "none" : String.join(", ", all.stream().distinct().limit(8).toList())
                + (all.size() > 8 ? ", ..." : "");
    }

    private record Patterns(Set<ChannelName> channels, Set<String> streams, List<String> shown) {
        static final Patterns NONE = new Patterns(Set.of(), Set.of(), List.of());

        static Patterns parse(String claim, List<String> patterns) {
            if (patterns.size() > MAX_PATTERNS) {
                throw new IllegalArgumentException(claim + ": " + patterns.size() + " patterns (expected: at most "
                        + MAX_PATTERNS + ")");
            }
            Set<ChannelName> channels = new HashSet<>();
            Set<String> streams = new HashSet<>();
            for (String p : patterns) {
                ChannelName c;
                try {
                    c = ChannelName.parse(java.util.Objects.requireNonNull(p));
                } catch (IllegalArgumentException | NullPointerException e) {
                    throw new IllegalArgumentException(claim + ": " + Text.quote(p) + " (expected: stream/key or stream/*)");
                }
                if (c.isWildcard()) {
                    streams.add(c.stream());
                } else {
                    channels.add(c);
                }
            }
            return new Patterns(Set.copyOf(channels), Set.copyOf(streams), List.copyOf(patterns));
        }

        boolean covers(ChannelName c) {
            return streams.contains(c.stream()) || (!c.isWildcard() && channels.contains(c));
        }
    }
}
