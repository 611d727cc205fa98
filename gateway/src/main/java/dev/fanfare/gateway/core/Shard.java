package dev.fanfare.gateway.core;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.Collection;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The part of the hub that belongs to one event loop: the subscribers whose connections live on
 * that loop. Only that loop touches a shard, so it needs no lock; the hub hands it batches with
 * {@link Executor#execute}.
 *
 * <p>Catch-up and live delivery never overlap or leave a hole: a catch-up reads the rings up to
 * the last batch this shard delivered ({@link Delivered}); later batches are still queued on this
 * loop and reach the new subscriber as live events. A catch-up longer than a page goes out page
 * by page while the subscriber's connection stays writable, and resumes when it is writable again
 * ({@link #resume}); meanwhile the subscriber gets no live events, which later pages read from the
 * rings, so its order and cursors stay exact.
 *
 * <p>Events held back: a subscriber that cannot keep up gets, on conflating streams (see
 * {@link DeliveryPolicy}), only the latest event of each channel once it drains; a subscription
 * with a maximum rate gets at most that many events per second per channel, the latest winning
 * and the last always sent. A held event goes out marked with how many it replaced, with a cursor
 * that never goes back.
 *
 * <p>Delivery is exception-safe per subscriber: one that throws is disconnected with
 * {@link DisconnectReason#INTERNAL_ERROR}, the others get their events.
 *
 * <p>Latency is sampled, not measured per write: for each batch, the first subscriber of each
 * style that gets it reports when its bytes reached the socket ({@link Latencies}), one
 * allocation per batch and style, none per write.
 */
public final class Shard {

    private static final Logger log = LoggerFactory.getLogger(Shard.class);
    /** Events per catch-up page: what a resume may add to a connection's buffer before it checks writability again. */
    static final int PAGE = 256;

    private static final int IDLE = 0;
    private static final int IN_BATCH = 1;
    private static final int BEHIND = 2;

    /** The latest event of one channel held back for a subscriber, and how many it replaced. */
    private static final class Held {
        Event event;
        long skipped;
        /** When it may go ({@link Timers#nanoTime}); 0: as soon as the subscriber can take it. */
        long due;
    }

    /** The shard's bookkeeping about one subscriber; the subscriber itself only writes. */
    private static final class Registration {
        final Subscriber subscriber;
        final Style style;
        final Set<ChannelName> channels = new LinkedHashSet<>();
        /**
         * Where it is in the {@link Members} of each of its channels: the first inline (most subscribe to one
         * channel, and every connection's bytes count), the others in a list made for the second.
         */
        Slot slot;
        List<Slot> moreSlots;
        /** The partitions its channels cover: what its cursors name. */
        PartitionSet set;
        /** The positions this subscriber is past the node on, while the node catches up; else null. */
        long[] ahead;
        int batchState = IDLE;
        boolean closed;
        /** A resume still being written (live batches skip this subscriber meanwhile); else null. */
        Backlog backlog;
        /** True while {@link #drain} runs for it: a flush inside it may report the connection writable. */
        boolean draining;
        /** Its buffer was full at a batch's start: events of conflating streams are held meanwhile. */
        boolean behind;
        /** The positions after the last event written to it live, for held events' cursors. */
        long[] position;
        /** The Kafka timestamp of the last event written to it in this batch, for the latency sample. */
        long lastTimestamp;
        /** By concrete channel, in the order their latest events were dispatched; null while empty. */
        LinkedHashMap<String, Held> held;
        /** Minimum time between two events of one channel, by concrete channel and by stream (wildcards). */
        Map<String, Long> exactIntervals;
        long[] streamIntervals;
        Map<String, Long> lastSent;
        boolean flushScheduled;
        long flushAt;

        Registration(Subscriber subscriber) {
            this.subscriber = subscriber;
            this.style = subscriber.style();
        }

        void addSlot(Slot s) {
            if (slot == null) {
                slot = s;
            } else {
                if (moreSlots == null) {
                    moreSlots = new ArrayList<>(2);
                }
                moreSlots.add(s);
            }
        }

        /** Its slot in {@code members}, forgotten; null if it is not in them. */
        Slot takeSlot(Members members) {
            if (slot != null && slot.members == members) {
                Slot s = slot;
                slot = moreSlots == null || moreSlots.isEmpty() ? null : moreSlots.remove(moreSlots.size() - 1);
                return s;
            }
            for (int i = 0; moreSlots != null && i < moreSlots.size(); i++) {
                if (moreSlots.get(i).members == members) {
                    return moreSlots.remove(i);
                }
            }
            return null;
        }
    }

    /** A resume in progress: disjoint ranges of channels, each reading from its own offsets. */
    private static final class Backlog {
        final List<CatchUpReader.Range> ranges = new ArrayList<>();
        long[] position;

        Backlog(long[] position) {
            this.position = position;
        }
    }

    private final Executor loop;
    private final Timers timers;
    private final CatchUpReader reader;
    private final Cursors cursors;
    private final StreamLayout layout;
    private final boolean[] conflating;
    private final int maxHeld;
    private final Latencies latencies;
    private final ViewerCounts viewers;
    private final DeliveryStats stats = new DeliveryStats();
    private final Map<Subscriber, Registration> registrations = new IdentityHashMap<>();
    private final Map<String, Members> byChannel = new HashMap<>();
    private final List<Members> byStream = new ArrayList<>();
    private final List<Registration> touched = new ArrayList<>();
    private final List<Runnable> deferred = new ArrayList<>();
    private final boolean[] sampled = new boolean[Style.values().length];
    /** Registrations by style; written on this loop, read by the metrics. */
    private final int[] byStyle = new int[Style.values().length];
    private boolean delivering;
    private Delivered delivered;
    private int subscribers;

    Shard(Executor loop, Timers timers, CatchUpReader reader, Cursors cursors, DeliveryPolicy policy,
          Latencies latencies, ViewerCounts viewers, long[] start) {
        this.loop = loop;
        this.timers = timers;
        this.reader = reader;
        this.cursors = cursors;
        this.layout = cursors.layout();
        this.conflating = policy.conflating(layout);
        this.maxHeld = policy.maxHeldPerSubscriber();
        this.latencies = latencies;
        this.viewers = viewers;
        this.delivered = new Delivered(-1, start.clone());
        for (int i = 0; i < layout.streams().size(); i++) {
            byStream.add(new Members(null));
        }
    }

    public Executor loop() {
        return loop;
    }

    /** Live subscribers on this shard. */
    public int subscribers() {
        return subscribers;
    }

    /** What this shard delivered, by style (written by its loop; read by the metrics). */
    public DeliveryStats stats() {
        return stats;
    }

    /** How far this shard has delivered: the bound for a read that must not overlap live batches. */
    public Delivered delivered() {
        return delivered;
    }

    void deliver(List<Event> batch) {
        delivering = true;
        try {
            for (Event e : batch) {
                Members exact = byChannel.get(e.channelText());
                if (exact != null) {
                    offer(exact, e);
                }
                Members wild = byStream.get(e.stream());
                if (wild.size > 0) {
                    offer(wild, e);
                }
            }
            Event last = batch.get(batch.size() - 1);
            delivered = new Delivered(last.seq(), last.vector());
            boolean anyone = !touched.isEmpty();
            Arrays.fill(sampled, false);
            for (int i = 0; i < touched.size(); i++) {
                Registration r = touched.get(i);
                boolean write = r.batchState == IN_BATCH;
                r.batchState = IDLE;
                if (write && !r.closed) {
                    try {
                        r.subscriber.endBatch(sample(r));
                        stats.flushed(r.style);
                    } catch (RuntimeException fault) {
                        failed(r, fault);
                    }
                }
            }
            if (anyone) {
                latencies.fanout(System.nanoTime() - batch.get(0).ingestedNanos); // the oldest of a merged batch
            }
        } finally {
            touched.clear();
            delivering = false;
            for (Event e : batch) {
                e.release();
            }
            runDeferred();
        }
    }

    /** The first subscriber of its style in this batch reports when its bytes reached the socket. */
    private Runnable sample(Registration r) {
        if (sampled[r.style.ordinal()]) {
            return null;
        }
        sampled[r.style.ordinal()] = true;
        long ts = r.lastTimestamp;
        Style style = r.style;
        return () -> latencies.record(style, System.currentTimeMillis() - ts);
    }

    private void offer(Members members, Event e) {
        for (int i = 0, n = members.size; i < n; i++) {
            Registration r = members.regs[i];
            if (r.closed || r.backlog != null) {
                continue;
            }
            try {
                if (r.batchState == IDLE) {
                    touched.add(r);
                    boolean writable = r.subscriber.beginBatch();
                    r.batchState = writable ? IN_BATCH : BEHIND;
                    if (writable && r.behind) {
                        r.behind = false;
                        writeHeld(r, true);
                    }
                }
                if (r.batchState == BEHIND) {
                    if (conflating[e.stream()] && hold(r, e, 0)) {
                        r.behind = true;
                    } else {
                        disconnect(r, DisconnectReason.SLOW_CONSUMER);
                    }
                    continue;
                }
                if (r.batchState != IN_BATCH) {
                    continue;
                }
                long interval = interval(r, e);
                if (interval > 0) {
                    long now = timers.nanoTime();
                    Long last = r.lastSent.get(e.channelText());
                    if (last != null && now - last < interval) {
                        if (!hold(r, e, last + interval)) {
                            disconnect(r, DisconnectReason.SLOW_CONSUMER);
                        } else {
                            scheduleFlush(r, last + interval);
                        }
                        continue;
                    }
                }
                if (heldBefore(r, e)) {
                    // Another channel's event of this partition waits: this one goes after it, so a
                    // cursor never passes an event the subscriber has not had.
                    if (!hold(r, e, 0)) {
                        disconnect(r, DisconnectReason.SLOW_CONSUMER);
                    } else {
                        writeHeld(r, false);
                    }
                    continue;
                }
                if (interval > 0) {
                    r.lastSent.put(e.channelText(), timers.nanoTime());
                }
                long skipped = 0;
                Held h = r.held == null ? null : r.held.remove(e.channelText());
                if (h != null) {
                    skipped = h.skipped + 1;
                    h.event.release();
                }
                writeLive(r, e, skipped);
            } catch (RuntimeException fault) {
                failed(r, fault);
            }
        }
    }

    private void writeLive(Registration r, Event e, long skipped) {
        if (r.ahead != null) {
            writeAhead(r, e, skipped);
            return;
        }
        long[] at = belowHeld(r, e.vector());
        count(r, r.subscriber.write(e, r.set, cursorFor(r, e, at), false, skipped), skipped);
        keepPosition(r, at);
        r.lastTimestamp = e.timestamp();
    }

    /**
     * Remembers where a live write left the subscriber, for the cursors of events it holds back
     * under max_rate (which go out after later ones). Others do not need it: what a slow
     * subscriber holds came after its last live write. Skipping it spares a reference store into a
     * long-lived object per write (the garbage collector's card marking and refinement).
     */
    private static void keepPosition(Registration r, long[] at) {
        if (r.streamIntervals != null) {
            r.position = at;
        }
    }

    /** A subscriber that resumed from a node further along than this one: skip what it has seen. */
    private void writeAhead(Registration r, Event e, long skipped) {
        if (e.offset() < r.ahead[e.global()]) {
            return;
        }
        long[] merged = r.ahead.clone();
        Cursors.maxInto(merged, e.vector());
        long[] at = belowHeld(r, merged);
        count(r, r.subscriber.write(e, r.set, cursorFor(r, e, at), false, skipped), skipped);
        r.ahead = Cursors.covers(e.vector(), merged) ? null : merged;
        keepPosition(r, at);
        r.lastTimestamp = e.timestamp();
    }

    /** Null when {@code e}'s shared cursor over the subscriber's set is {@code at}; else {@code at} as a cursor. */
    private String cursorFor(Registration r, Event e, long[] at) {
        return at == e.vector() || (r.set.covers(at, e.vector()) && r.set.covers(e.vector(), at)) ? null
                : cursors.encode(at, r.set);
    }

    /**
     * {@code positions}, held back to the first event the subscriber is still owed in each
     * partition it holds one of (max_rate): resuming from its cursor then yields those again,
     * and nothing it had (every later event of such a partition is held too).
     */
    private static long[] belowHeld(Registration r, long[] positions) {
        if (r.held == null || r.held.isEmpty()) {
            return positions;
        }
        long[] at = positions;
        for (Held h : r.held.values()) {
            int g = h.event.global();
            if (at[g] > h.event.offset()) {
                if (at == positions) {
                    at = positions.clone();
                }
                at[g] = h.event.offset();
            }
        }
        return at;
    }

    /** True when the subscriber holds an event of another channel of {@code e}'s partition: {@code e} must wait behind it. */
    private static boolean heldBefore(Registration r, Event e) {
        if (r.held == null || r.held.isEmpty()) {
            return false;
        }
        for (Held h : r.held.values()) {
            if (h.event.global() == e.global() && !h.event.channelText().equals(e.channelText())) {
                return true;
            }
        }
        return false;
    }

    private void count(Registration r, int bytes, long skipped) {
        stats.delivered(r.style, bytes);
        if (skipped > 0) {
            stats.conflated(r.style, skipped);
        }
    }

    /**
     * Keeps {@code e} as its channel's latest for {@code r}, replacing (and counting) an earlier one.
     *
     * @return false when {@code r} holds as many channels as it may: it cannot be kept
     */
    private boolean hold(Registration r, Event e, long due) {
        if (r.held == null) {
            r.held = new LinkedHashMap<>();
        }
        // Removed and put back: the map keeps the order in which the latest events were dispatched.
        Held h = r.held.remove(e.channelText());
        if (h == null) {
            if (r.held.size() >= maxHeld) {
                return false;
            }
            h = new Held();
        } else {
            h.skipped++;
            h.event.release();
        }
        h.event = e.retain();
        h.due = Math.max(h.due, due);
        r.held.put(e.channelText(), h);
        return true;
    }

    /** The minimum time between two events of {@code e}'s channel for {@code r}; 0: no limit. */
    private static long interval(Registration r, Event e) {
        if (r.streamIntervals == null) {
            return 0;
        }
        long wild = r.streamIntervals[e.stream()];
        if (wild > 0) {
            return wild;
        }
        Long exact = r.exactIntervals.get(e.channelText());
        return exact == null ? 0 : exact;
    }

    private void scheduleFlush(Registration r, long at) {
        if (r.flushScheduled && r.flushAt <= at) {
            return;
        }
        r.flushScheduled = true;
        r.flushAt = at;
        timers.schedule(() -> {
            if (r.flushAt == at) {
                r.flushScheduled = false;
            }
            flushHeld(r);
        }, Math.max(0, at - timers.nanoTime()));
    }

    /** Writes the held events that are due, if the subscriber can take them now; else waits for {@link #resume}. */
    private void flushHeld(Registration r) {
        if (r.closed || r.held == null || r.held.isEmpty() || r.backlog != null) {
            return;
        }
        if (delivering) {
            deferred.add(() -> flushHeld(r));
            return;
        }
        try {
            if (!r.subscriber.beginBatch()) {
                r.behind = true;
                return;
            }
            r.behind = false;
            if (writeHeld(r, false)) {
                r.subscriber.endBatch(null);
                stats.flushed(r.style);
            }
        } catch (RuntimeException fault) {
            failed(r, fault);
        }
    }

    /**
     * Writes held events in dispatch order: all when {@code all}, else those due. Each carries a
     * cursor that never goes back. Schedules the next due one.
     *
     * @return true when something was written
     */
    private boolean writeHeld(Registration r, boolean all) {
        if (r.held == null || r.held.isEmpty()) {
            return false;
        }
        long now = timers.nanoTime();
        long nextDue = Long.MAX_VALUE;
        boolean wrote = false;
        // A partition whose first held event is not due yet: its later ones wait behind it.
        BitSet waiting = null;
        for (Iterator<Held> it = r.held.values().iterator(); it.hasNext(); ) {
            Held h = it.next();
            int g = h.event.global();
            if (!all && (h.due > now || (waiting != null && waiting.get(g)))) {
                if (h.due > now) {
                    nextDue = Math.min(nextDue, h.due);
                }
                if (waiting == null) {
                    waiting = new BitSet();
                }
                waiting.set(g);
                continue;
            }
            it.remove();
            Event e = h.event;
            try {
                long[] at = e.vector();
                if (r.position != null && !Cursors.covers(at, r.position)) {
                    at = r.position.clone();
                    Cursors.maxInto(at, e.vector());
                }
                at = belowHeld(r, at);
                count(r, r.subscriber.write(e, r.set, cursorFor(r, e, at), false, h.skipped), h.skipped);
                r.position = at;
                r.lastTimestamp = e.timestamp();
                if (r.lastSent != null && interval(r, e) > 0) {
                    r.lastSent.put(e.channelText(), now);
                }
                wrote = true;
            } finally {
                e.release();
            }
        }
        if (nextDue != Long.MAX_VALUE) {
            scheduleFlush(r, nextDue);
        }
        return wrote;
    }

    private void releaseHeld(Registration r) {
        if (r.held != null) {
            r.held.values().forEach(h -> h.event.release());
            r.held.clear();
        }
    }

    private void failed(Registration r, RuntimeException fault) {
        log.warn("a subscriber failed while being written to; it is disconnected, the others are not affected", fault);
        disconnect(r, DisconnectReason.INTERNAL_ERROR);
    }

    private void disconnect(Registration r, DisconnectReason reason) {
        if (r.closed) {
            return;
        }
        remove(r.subscriber);
        try {
            r.subscriber.disconnect(reason);
        } catch (RuntimeException fault) {
            log.warn("a subscriber failed while being disconnected ({})", reason.code(), fault);
        }
    }

    /** As {@link #subscribe(Subscriber, Collection, long[], int)} with no rate limit. */
    public String subscribe(Subscriber s, Collection<ChannelName> channels, long[] from) {
        return subscribe(s, channels, from, 0);
    }

    /**
     * Registers {@code s} for {@code channels} and writes its catch-up: snapshots when {@code from}
     * is null, else every retained event after {@code from} (with a gap notice if it is too old),
     * page by page. Channels already covered by a wildcard of {@code s} are skipped; a new wildcard
     * replaces the subscriber's channels of that stream.
     *
     * @param maxRate at most this many live events per second per channel of these channels (the
     *                latest winning, the last always sent); 0: no limit
     * @return the position {@code s} is at afterwards (or, while its catch-up is still being
     *         written, the position it has reached)
     */
    public String subscribe(Subscriber s, Collection<ChannelName> channels, long[] from, int maxRate) {
        Registration r = registrations.computeIfAbsent(s, this::newRegistration);
        boolean had = !r.channels.isEmpty();
        Set<ChannelName> asked = new LinkedHashSet<>(channels);
        List<ChannelName> added = new ArrayList<>();
        for (ChannelName c : asked) {
            ChannelName wildcard = new ChannelName(c.stream(), ChannelName.WILDCARD);
            if (r.channels.contains(c) || r.channels.contains(wildcard) || (!c.isWildcard() && asked.contains(wildcard))) {
                continue;
            }
            if (c.isWildcard()) {
                unsubscribe(r, r.channels.stream().filter(x -> x.stream().equals(c.stream())).toList());
            }
            added.add(c);
        }
        limitRate(r, added, maxRate);
        long[] base = current(r);
        List<ChannelName> established = List.copyOf(r.channels);
        added.forEach(c -> register(r, c));
        r.set = cursors.setOf(r.channels);
        if (from == null) {
            return subscribeToSnapshots(r, added, had ? base : delivered.vector());
        }
        if (r.backlog == null) {
            // What it holds goes first: a resume's pages would otherwise overtake it.
            if (r.held != null && !r.held.isEmpty() && r.subscriber.beginBatch() && writeHeld(r, true)) {
                r.subscriber.endBatch(null);
            }
            base = current(r);
            long[] position = from.clone();
            if (had) {
                Cursors.maxInto(position, base);
            }
            r.backlog = new Backlog(position);
            if (!established.isEmpty()) {
                // Live delivery pauses while the resume is written: later pages carry what these get meanwhile.
                r.backlog.ranges.add(new CatchUpReader.Range(established, base));
            }
        } else {
            Cursors.maxInto(r.backlog.position, from);
        }
        if (!added.isEmpty()) {
            r.backlog.ranges.add(new CatchUpReader.Range(added, from));
        }
        drain(r);
        return cursors.encode(current(r), r.set);
    }

    private Registration newRegistration(Subscriber s) {
        Registration r = new Registration(s);
        byStyle[r.style.ordinal()]++;
        return r;
    }

    private void limitRate(Registration r, List<ChannelName> added, int maxRate) {
        if (maxRate <= 0 || added.isEmpty()) {
            return;
        }
        long interval = 1_000_000_000L / maxRate;
        if (r.streamIntervals == null) {
            r.streamIntervals = new long[layout.streams().size()];
            r.exactIntervals = new HashMap<>();
            r.lastSent = new HashMap<>();
        }
        for (ChannelName c : added) {
            if (c.isWildcard()) {
                r.streamIntervals[layout.require(c).index()] = interval;
            } else {
                r.exactIntervals.put(c.toString(), interval);
            }
        }
    }

    private String subscribeToSnapshots(Registration r, List<ChannelName> added, long[] position) {
        Backlog backlog = r.backlog;
        CatchUp c = backlog == null ? reader.snapshots(added, position, delivered, r.set)
                // A resume is still being written: the snapshots must not carry a cursor past it.
                : reader.snapshots(added, backlog.position, new Delivered(delivered.seq(), backlog.position), r.set);
        try {
            CompletableFuture<List<Event>> states = reader.missingSnapshots(added, c);
            write(r, c);
            if (backlog != null) {
                if (!added.isEmpty()) {
                    backlog.ranges.add(new CatchUpReader.Range(added, delivered.vector()));
                }
            } else {
                r.ahead = Cursors.covers(delivered.vector(), c.position()) ? null : c.position();
            }
            if (states != null) {
                states.thenAccept(list -> loop.execute(() -> writeStates(r, list)));
            }
            return c.cursor();
        } finally {
            c.close();
        }
    }

    /** Writes pages of a resume while the subscriber can take them; the last one makes it live. */
    private void drain(Registration r) {
        r.draining = true;
        try {
            drainPages(r);
        } finally {
            r.draining = false;
        }
    }

    private void drainPages(Registration r) {
        while (r.backlog != null && !r.closed) {
            Backlog b = r.backlog;
            CatchUp page = reader.page(b.ranges, b.position, PAGE, delivered, r.set);
            try {
                if (!page.more()) {
                    r.backlog = null;
                    r.ahead = Cursors.covers(delivered.vector(), page.position()) ? null : page.position();
                } else {
                    b.position = page.position();
                }
                if (!write(r, page) || page.isEmpty()) {
                    return;
                }
            } finally {
                page.close();
            }
            if (r.backlog != null && !r.subscriber.beginBatch()) {
                return; // the transport calls resume() once its connection is writable again
            }
        }
    }

    /** Writes one catch-up page as its own batch; false when the subscriber failed and is gone. */
    private boolean write(Registration r, CatchUp c) {
        try {
            if (c.gap()) {
                r.subscriber.writeGap(c.gaps(), c.gapCursor());
                stats.gap(r.style);
            }
            for (CatchUp.Item i : c.items()) {
                stats.delivered(r.style, r.subscriber.write(i.event(), c.set(), i.cursor(), i.snapshot(), 0));
                if (i.snapshot()) {
                    stats.snapshot(r.style);
                }
            }
            if (!c.items().isEmpty() && !c.items().get(0).snapshot()) {
                stats.caughtUp(r.style);
            }
            r.position = c.position();
            r.subscriber.endBatch(null);
            stats.flushed(r.style);
            return !r.closed;
        } catch (RuntimeException fault) {
            failed(r, fault);
            return false;
        }
    }

    /**
     * Goes on with a subscriber's catch-up, or writes what it holds back: its connection is
     * writable again. A no-op when it has neither.
     */
    public void resume(Subscriber s) {
        Registration r = registrations.get(s);
        if (r == null || r.draining) {
            return;
        }
        if (delivering) {
            deferred.add(() -> resume(s));
        } else if (r.backlog != null) {
            drain(r);
        } else if (r.held != null && !r.held.isEmpty()) {
            flushHeld(r);
        }
    }

    private void writeStates(Registration r, List<Event> states) {
        try {
            if (!r.closed) {
                for (Event e : states) {
                    if (r.channels.contains(e.channel()) && !reader.hasEvent(e.channel(), delivered)) {
                        stats.delivered(r.style, r.subscriber.write(e, r.set, e.cursor(), true, 0));
                        stats.snapshot(r.style);
                    }
                }
                r.subscriber.endBatch(null);
            }
        } catch (RuntimeException fault) {
            failed(r, fault);
        } finally {
            states.forEach(Event::release);
        }
    }

    private long[] current(Registration r) {
        if (r.backlog != null) {
            return r.backlog.position;
        }
        return r.ahead != null ? r.ahead : delivered.vector();
    }

    /** The position of a registered subscriber, as a cursor. */
    public String cursorOf(Subscriber s) {
        Registration r = registrations.get(s);
        return r == null ? cursors.encode(delivered.vector(), cursors.setOf(List.of()))
                : cursors.encode(current(r), r.set);
    }

    /** The channels {@code s} is registered for. */
    public Set<ChannelName> channelsOf(Subscriber s) {
        Registration r = registrations.get(s);
        return r == null ? Set.of() : Set.copyOf(r.channels);
    }

    /** Registered subscribers of {@code style} on this shard (long polls included while parked); any thread. */
    public int subscribers(Style style) {
        return byStyle[style.ordinal()];
    }

    /** Removes {@code s} from these channels. */
    public void unsubscribe(Subscriber s, Collection<ChannelName> channels) {
        Registration r = registrations.get(s);
        if (r != null) {
            unsubscribe(r, channels);
        }
    }

    private void unsubscribe(Registration r, Collection<ChannelName> channels) {
        boolean had = !r.channels.isEmpty();
        for (ChannelName c : List.copyOf(channels)) {
            if (r.channels.remove(c)) {
                viewers.add(r.style, c, -1);
                removeLater(c.isWildcard() ? byStream.get(layout.require(c).index()) : byChannel.get(c.toString()), r);
                if (r.backlog != null) {
                    r.backlog.ranges.removeIf(range -> range.drop(c));
                }
                dropHeld(r, c);
            }
        }
        r.set = cursors.setOf(r.channels);
        if (had && r.channels.isEmpty()) {
            subscribers--;
        }
    }

    /** Held events and rate limits of a channel that is unsubscribed go with it. */
    private void dropHeld(Registration r, ChannelName c) {
        if (r.held != null) {
            r.held.values().removeIf(h -> {
                boolean gone = c.isWildcard() ? h.event.channel().stream().equals(c.stream()) : h.event.channel().equals(c);
                if (gone) {
                    h.event.release();
                }
                return gone;
            });
        }
        if (r.streamIntervals != null) {
            if (c.isWildcard()) {
                r.streamIntervals[layout.require(c).index()] = 0;
            } else {
                r.exactIntervals.remove(c.toString());
            }
        }
    }

    /** Removes {@code s} from every channel; it gets nothing more. Safe to call twice. */
    public void remove(Subscriber s) {
        Registration r = registrations.remove(s);
        if (r == null || r.closed) {
            return;
        }
        unsubscribe(r, r.channels);
        r.closed = true;
        r.backlog = null;
        releaseHeld(r);
        byStyle[r.style.ordinal()]--;
    }

    private void register(Registration r, ChannelName c) {
        if (r.channels.isEmpty()) {
            subscribers++;
        }
        r.channels.add(c);
        viewers.add(r.style, c, 1);
        if (c.isWildcard()) {
            byStream.get(layout.require(c).index()).add(r);
        } else {
            byChannel.computeIfAbsent(c.toString(), Members::new).add(r);
        }
    }

    // Members are iterated by index during delivery: removing then would skip a subscriber.
    private void removeLater(Members members, Registration r) {
        if (delivering) {
            deferred.add(() -> remove(members, r));
        } else {
            remove(members, r);
        }
    }

    private void remove(Members members, Registration r) {
        members.remove(r);
        if (members.size == 0 && members.channel != null) {
            byChannel.remove(members.channel, members);
        }
    }

    private void runDeferred() {
        if (!deferred.isEmpty()) {
            List<Runnable> run = new ArrayList<>(deferred);
            deferred.clear();
            run.forEach(Runnable::run);
        }
    }

    /** Where a registration is in one {@link Members}. */
    private static final class Slot {
        final Members members;
        int index;

        Slot(Members members, int index) {
            this.members = members;
            this.index = index;
        }
    }

    /**
     * The registrations of one channel, or of one stream's wildcard: iterated by index, and each removed in
     * O(1), so a wave of N subscribers leaving costs O(N), not O(N^2) (a node draining, a network blip). Each
     * registration knows its {@link Slot} in every {@code Members} it is in; a removal moves the last one into
     * the gap. The arrays shrink by half when a quarter full, so a channel that emptied holds little.
     */
    private static final class Members {
        private static final int INITIAL = 4;
        /** The exact channel's key in {@link #byChannel}; null for a stream's wildcard subscribers. */
        final String channel;
        Registration[] regs = new Registration[INITIAL];
        private Slot[] slots = new Slot[INITIAL];
        int size;

        Members(String channel) {
            this.channel = channel;
        }

        void add(Registration r) {
            if (size == regs.length) {
                resize(size * 2);
            }
            Slot slot = new Slot(this, size);
            regs[size] = r;
            slots[size] = slot;
            size++;
            r.addSlot(slot);
        }

        void remove(Registration r) {
            Slot slot = r.takeSlot(this);
            if (slot == null) {
                return;
            }
            int i = slot.index;
            int last = --size;
            regs[i] = regs[last];
            slots[i] = slots[last];
            slots[i].index = i;
            regs[last] = null;
            slots[last] = null;
            if (regs.length > INITIAL && size <= regs.length / 4) {
                resize(regs.length / 2);
            }
        }

        private void resize(int capacity) {
            regs = Arrays.copyOf(regs, capacity);
            slots = Arrays.copyOf(slots, capacity);
        }
    }
}
