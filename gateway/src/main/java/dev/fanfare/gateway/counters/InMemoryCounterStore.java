package dev.fanfare.gateway.counters;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Counters in this JVM's memory, with the same semantics as {@link RedisCounterStore} on a single gateway
 * node: each method is atomic (synchronized). The gateway's embedded default; counts are rebuilt from the
 * actions topic when the node restarts (no stored offset means "replay from the start of the log").
 */
public final class InMemoryCounterStore implements CounterStore {

    private static final long APPLIED = -1;
    private static final long RELEASED = -2;

    private final Map<String, Long> offsets = new HashMap<>();
    private final Map<String, long[]> totals = new HashMap<>();
    private final Map<String, Set<String>> likers = new HashMap<>();
    private final Map<String, Map<String, Long>> reserved = new HashMap<>();
    /** Reservation id → its count while pending, {@link #APPLIED} or {@link #RELEASED}. */
    private final Map<Long, Long> reservations = new HashMap<>();
    private final ArrayDeque<Mark> appliedMarks = new ArrayDeque<>();
    private final ArrayDeque<Mark> releasedMarks = new ArrayDeque<>();
    private final long appliedMarkTtlNanos;
    private final long releasedMarkTtlNanos;
    private long lastReservation;

    /** The TTLs mean what they mean for {@link RedisCounterStore}: how long applied/released marks are kept. */
    public InMemoryCounterStore(Duration appliedMarkTtl, Duration releasedMarkTtl) {
        this.appliedMarkTtlNanos = appliedMarkTtl.toNanos();
        this.releasedMarkTtlNanos = releasedMarkTtl.toNanos();
    }

    @Override
    public synchronized ClapReservation reserveClaps(String post, String user, int count, int cap) {
        Map<String, Long> users = reserved.computeIfAbsent(post, p -> new HashMap<>());
        long current = users.getOrDefault(user, 0L);
        long wanted = current + count;
        if (wanted > cap) {
            return new ClapReservation(0, current);
        }
        users.put(user, wanted);
        long id = ++lastReservation;
        reservations.put(id, (long) count);
        return new ClapReservation(id, wanted);
    }

    @Override
    public synchronized ReleaseOutcome releaseClaps(String post, String user, long reservationId) {
        expireMarks();
        Long state = reservations.get(reservationId);
        if (state == null) {
            return ReleaseOutcome.UNKNOWN;
        }
        if (state == APPLIED) {
            return ReleaseOutcome.ALREADY_APPLIED;
        }
        if (state == RELEASED) {
            return ReleaseOutcome.RELEASED;
        }
        reserved.computeIfAbsent(post, p -> new HashMap<>()).merge(user, -state, Long::sum);
        mark(reservationId, RELEASED, releasedMarks, releasedMarkTtlNanos);
        return ReleaseOutcome.RELEASED;
    }

    @Override
    public synchronized AppliedBatch apply(String partition, List<LoggedAction> actions,
            boolean requireStoredOffset) {
        expireMarks();
        Long stored = offsets.get(partition);
        if (stored == null && requireStoredOffset) {
            return AppliedBatch.missingOffset();
        }
        long last = stored == null ? -1 : stored;
        Set<String> posts = new LinkedHashSet<>();
        for (LoggedAction logged : actions) {
            CounterAction action = logged.action();
            if (action.type() != CounterAction.Type.NOOP) {
                posts.add(action.post());
            }
            if (logged.offset() > last) {
                last = logged.offset();
                applyOne(action);
            }
        }
        offsets.put(partition, last);
        List<PostTotals> result = new ArrayList<>(posts.size());
        for (String post : posts) {
            result.add(totalsOf(post));
        }
        return new AppliedBatch(false, last, List.copyOf(result));
    }

    @Override
    public synchronized long appliedOffset(String partition) {
        return offsets.getOrDefault(partition, -1L);
    }

    @Override
    public synchronized PostTotals totals(String post) {
        return totalsOf(post);
    }

    @Override
    public void ping() {
        // Always reachable.
    }

    @Override
    public String describe() {
        return "in-memory";
    }

    @Override
    public void close() {
        // Nothing to release.
    }

    private void applyOne(CounterAction action) {
        String post = action.post();
        switch (action.type()) {
            case CLAP -> {
                Long state = action.reservation() == CounterAction.NO_RESERVATION
                        ? null : reservations.get(action.reservation());
                if (state != null && state == RELEASED) {
                    reservations.remove(action.reservation());
                } else if (state == null || state != APPLIED) {
                    if (state != null) {
                        mark(action.reservation(), APPLIED, appliedMarks, appliedMarkTtlNanos);
                    } else {
                        reserved.computeIfAbsent(post, p -> new HashMap<>())
                                .merge(action.user(), (long) action.count(), Long::sum);
                    }
                    counts(post)[0] += action.count();
                }
            }
            case LIKE -> {
                if (likers.computeIfAbsent(post, p -> new HashSet<>()).add(action.user())) {
                    counts(post)[1]++;
                }
            }
            case UNLIKE -> {
                Set<String> users = likers.get(post);
                if (users != null && users.remove(action.user())) {
                    counts(post)[1]--;
                }
            }
            case NOOP -> {
                // Only the offset advances.
            }
        }
    }

    private long[] counts(String post) {
        return totals.computeIfAbsent(post, p -> new long[2]);
    }

    private PostTotals totalsOf(String post) {
        long[] counts = totals.get(post);
        return counts == null ? new PostTotals(post, 0, 0) : new PostTotals(post, counts[0], counts[1]);
    }

    private void mark(long reservation, long state, ArrayDeque<Mark> marks, long ttlNanos) {
        reservations.put(reservation, state);
        marks.addLast(new Mark(reservation, state, System.nanoTime() + ttlNanos));
    }

    /** Forgets applied and released marks past their TTL, as Redis expires them. */
    private void expireMarks() {
        long now = System.nanoTime();
        for (ArrayDeque<Mark> marks : List.of(appliedMarks, releasedMarks)) {
            while (!marks.isEmpty() && marks.peekFirst().deadline() - now <= 0) {
                Mark mark = marks.removeFirst();
                reservations.remove(mark.reservation(), mark.state());
            }
        }
    }

    private record Mark(long reservation, long state, long deadline) {
    }
}
