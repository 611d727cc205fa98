package dev.fanfare.gateway.counters;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Coalesces totals updates: at most one publication per post per interval, always of the latest totals.
 * A post not published within the last interval is due at once (an isolated clap shows without delay);
 * otherwise it is due one interval after its last publication, with whatever totals are latest by then.
 *
 * <p>Bounded: one entry per post waiting; when more than {@code maxWaiting} posts wait, all are due at once
 * (published early, never dropped). Confined to one thread (the worker's); time is passed in, in nanoseconds.
 */
final class TotalsCoalescer {

    private final long intervalNanos;
    private final int maxWaiting;
    private final Map<String, PostTotals> waiting = new LinkedHashMap<>();
    private final Map<String, Long> dueAt = new HashMap<>();
    /** Publication times within the last interval, oldest first. */
    private final LinkedHashMap<String, Long> lastPublished = new LinkedHashMap<>();

    TotalsCoalescer(long intervalNanos, int maxWaiting) {
        this.intervalNanos = intervalNanos;
        this.maxWaiting = maxWaiting;
    }

    /** Offers the latest totals of a post; replaces any totals of the post still waiting. */
    void offer(PostTotals totals, long now) {
        String post = totals.post();
        waiting.put(post, totals);
        if (!dueAt.containsKey(post)) {
            Long last = lastPublished.get(post);
            dueAt.put(post, last == null || now - last >= intervalNanos ? now : last + intervalNanos);
        }
    }

    /** Removes and returns the totals due at {@code now}, recording them as published. */
    List<PostTotals> takeDue(long now) {
        forgetPublishedBefore(now - intervalNanos);
        boolean all = waiting.size() > maxWaiting;
        List<PostTotals> due = new ArrayList<>();
        for (Iterator<PostTotals> it = waiting.values().iterator(); it.hasNext(); ) {
            PostTotals totals = it.next();
            if (all || dueAt.get(totals.post()) - now <= 0) {
                it.remove();
                published(totals.post(), now);
                due.add(totals);
            }
        }
        return due;
    }

    /** Removes and returns every waiting totals, due or not (before a partition changes owner, or at close). */
    List<PostTotals> takeAll(long now) {
        List<PostTotals> all = new ArrayList<>(waiting.values());
        for (PostTotals totals : all) {
            published(totals.post(), now);
        }
        waiting.clear();
        return all;
    }

    /** Nanoseconds until the next totals are due: 0 if some are due now, {@link Long#MAX_VALUE} if none wait. */
    long nanosUntilNextDue(long now) {
        long next = Long.MAX_VALUE;
        for (long due : dueAt.values()) {
            next = Math.min(next, Math.max(0, due - now));
        }
        return next;
    }

    int waiting() {
        return waiting.size();
    }

    private void published(String post, long now) {
        dueAt.remove(post);
        lastPublished.remove(post);
        lastPublished.put(post, now);
    }

    private void forgetPublishedBefore(long cutoff) {
        for (Iterator<Long> it = lastPublished.values().iterator(); it.hasNext(); ) {
            if (it.next() - cutoff > 0) {
                return;
            }
            it.remove();
        }
    }
}
