package dev.fanfare.feed;

import java.util.List;
import java.util.Random;

/**
 * The simulated users who clap for and like posts. Each user remembers what it has given so it keeps to the gateway's
 * rules: at most {@code capPerUser} claps per post in total, and it unlikes only what it liked. A clap is reserved
 * when it is chosen and released if the gateway refuses it; a like toggle is applied when chosen and undone if
 * refused, and no second toggle of the same post by the same user starts while one is outstanding (two concurrent
 * HTTP requests could arrive in either order).
 *
 * <p>A user who has clapped the cap on every post leaves and a newcomer with a fresh id takes the seat, so the claps
 * never dry up; the leaver's likes stay, as real people's do. Not thread-safe: the feed's scheduler thread owns it.
 */
final class Audience {

    /** How often {@link #nextLike()} looks for a user and post without an outstanding toggle before giving up. */
    private static final int LIKE_ATTEMPTS = 8;

    private final List<String> posts;
    private final int capPerUser;
    private final Random random;
    private final String idPrefix;
    private final User[] seats;
    private long joined;

    Audience(List<String> posts, int users, int capPerUser, Random random) {
        this.posts = List.copyOf(posts);
        this.capPerUser = capPerUser;
        this.random = random;
        // A run token keeps two runs with different seeds from sharing user ids (and their caps) on one gateway.
        this.idPrefix = "sim-" + Long.toString(random.nextLong() >>> 40, 36) + "-";
        this.seats = new User[users];
        for (int i = 0; i < users; i++) {
            seats[i] = newcomer();
        }
    }

    /** Chooses and reserves the next clap: a user, one of the posts it may still clap for, 1..5 claps. */
    Clap nextClap() {
        int seat = random.nextInt(seats.length);
        User user = seats[seat];
        int open = user.postsBelowCap(capPerUser);
        if (open == 0) {
            user = seats[seat] = newcomer();
            open = posts.size();
        }
        int post = user.nthPostBelowCap(random.nextInt(open), capPerUser);
        int remaining = capPerUser - user.claps[post];
        int count = 1 + random.nextInt(Math.min(DemoFeedConfig.MAX_CLAPS_PER_ACTION, remaining));
        user.claps[post] += count;
        return new Clap(user, post, count);
    }

    /** The gateway refused the clap: it was not counted, so the user may give it again. */
    void clapRefused(Clap clap) {
        clap.user.claps[clap.post] -= clap.count;
    }

    /** Chooses and applies the next like toggle, or returns null when every pair tried has a toggle outstanding. */
    Like nextLike() {
        for (int attempt = 0; attempt < LIKE_ATTEMPTS; attempt++) {
            User user = seats[random.nextInt(seats.length)];
            int post = random.nextInt(posts.size());
            if (!user.likePending[post]) {
                boolean like = !user.liked[post];
                user.liked[post] = like;
                user.likePending[post] = true;
                return new Like(user, post, like);
            }
        }
        return null;
    }

    /** The toggle finished; if the gateway refused it, the user's like stays as it was before. */
    void likeSettled(Like toggle, boolean accepted) {
        toggle.user.likePending[toggle.post] = false;
        if (!accepted) {
            toggle.user.liked[toggle.post] = !toggle.like;
        }
    }

    /** The id of post number {@code index} in the configured list. */
    String post(int index) {
        return posts.get(index);
    }

    private User newcomer() {
        return new User(idPrefix + joined++, posts.size());
    }

    /** One simulated person. */
    static final class User {
        final String id;
        final int[] claps;
        final boolean[] liked;
        final boolean[] likePending;

        User(String id, int posts) {
            this.id = id;
            this.claps = new int[posts];
            this.liked = new boolean[posts];
            this.likePending = new boolean[posts];
        }

        int postsBelowCap(int cap) {
            int open = 0;
            for (int given : claps) {
                if (given < cap) {
                    open++;
                }
            }
            return open;
        }

        int nthPostBelowCap(int n, int cap) {
            for (int post = 0; post < claps.length; post++) {
                if (claps[post] < cap && n-- == 0) {
                    return post;
                }
            }
            throw new IllegalStateException("no post below the cap: " + n);
        }
    }

    /** A chosen clap, already reserved in {@link User#claps}. */
    record Clap(User user, int post, int count) {
    }

    /** A chosen toggle: {@code like} is the state it asks for. */
    record Like(User user, int post, boolean like) {
    }
}
