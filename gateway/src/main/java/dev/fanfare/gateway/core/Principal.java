package dev.fanfare.gateway.core;

import java.time.Instant;
import java.util.List;

/**
 * Who a request or connection acts for and what it may do, as every transport asks it: the
 * subject of a verified token with its grants, somebody without a token (public streams only),
 * or anybody at all on a node without a key ({@link #OPEN}).
 *
 * @param subject   the token's {@code sub}; null without a token
 * @param grants    what it may subscribe to and publish on
 * @param expiresAt when the token stops being valid; null when nothing expires
 * @param open      no key is configured: nothing is checked and a request's claimed user is believed
 */
public record Principal(String subject, Grants grants, Instant expiresAt, boolean open) {

    /** The channels a principal may read and write. */
    public interface Grants {
        boolean maySubscribe(ChannelName channel);

        boolean mayPublish(ChannelName channel);

        /** What a refusal names as expected, e.g. {@code "demo/*, claps/post-1"}: the patterns to publish on, or to subscribe to. */
        String describe(boolean publishing);

        /** No channel: somebody without a token on a node without public streams. */
        Grants NONE = new Fixed(false, "none");

        /** Every channel, both ways: a node without a key. */
        Grants ALL = new Fixed(true, "any channel");
    }

    /** The same answer for every channel. */
    private record Fixed(boolean allowed, String described) implements Grants {
        @Override
        public boolean maySubscribe(ChannelName channel) {
            return allowed;
        }

        @Override
        public boolean mayPublish(ChannelName channel) {
            return allowed;
        }

        @Override
        public String describe(boolean publishing) {
            return described;
        }
    }

    /** A node without a key: anybody may do anything, as anyone. */
    public static final Principal OPEN = new Principal(null, Grants.ALL, null, true);

    public Principal {
        if (open && (subject != null || expiresAt != null)) {
            throw new IllegalArgumentException("open: a principal of a node without a key has no subject nor expiry");
        }
    }

    /** Somebody without a token on a node that checks them: {@code grants} are the public streams. */
    public static Principal anonymous(Grants grants) {
        return new Principal(null, grants, null, false);
    }

    /** The subject of a verified token. */
    public static Principal of(String subject, Grants grants, Instant expiresAt) {
        return new Principal(subject, grants, expiresAt, false);
    }

    /** Refuses the first channel this principal may not subscribe to: 401 without a token, else 403. */
    public void requireSubscribe(List<ChannelName> channels) {
        for (ChannelName c : channels) {
            if (!grants.maySubscribe(c)) {
                throw refusal(false, c);
            }
        }
    }

    /** Refuses {@code channel} when this principal may not publish on it: 401 without a token, else 403. */
    public void requirePublish(ChannelName channel) {
        if (!grants.mayPublish(channel)) {
            throw refusal(true, channel);
        }
    }

    /**
     * The user whose claps and likes these are: the token's subject (a request that names another
     * is refused 403), or on a node without a key the user the request names.
     *
     * @param claimed the user the request names, or null
     */
    public String counterUser(String claimed) {
        if (open) {
            return claimed;
        }
        if (subject == null) {
            throw new ApiException(ErrorCode.UNAUTHORIZED,
                    "token: missing (expected: a token whose sub is the user who claps or likes)");
        }
        if (claimed != null && !claimed.equals(subject)) {
            throw new ApiException(ErrorCode.FORBIDDEN, "user: " + Text.quote(claimed)
                    + " (expected: the token's subject " + Text.quote(subject) + ", or no user)");
        }
        return subject;
    }

    private ApiException refusal(boolean publishing, ChannelName channel) {
        String action = publishing ? "publish" : "subscribe";
        if (subject == null) {
            return new ApiException(ErrorCode.UNAUTHORIZED, action + ": " + Text.quote(channel.toString())
                    + " needs a token (expected: a token that grants it, or a public stream)");
        }
        return new ApiException(ErrorCode.FORBIDDEN, action + ": " + Text.quote(channel.toString())
                + " (expected: a channel this token grants to " + action + ": " + grants.describe(publishing) + ")");
    }
}
