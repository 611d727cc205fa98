package dev.fanfare.gateway.core;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.IdentityHashMap;
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
 * <p>Delivery is exception-safe per subscriber: one that throws is disconnected with
 * {@link DisconnectReason#INTERNAL_ERROR}, the others get their events.
 */
public final class Shard {

    private static final Logger log = LoggerFactory.getLogger(Shard.class);
    /** Events per catch-up page: what a resume may add to a connection's buffer before it checks writability again. */
    static final int PAGE = 256;

    private static final int IDLE = 0;
    private static final int IN_BATCH = 1;
    private static final int SKIPPING = 2;

    /** The shard's bookkeeping about one subscriber; the subscriber itself only writes. */
    private static final class Registration {
        final Subscriber subscriber;
        final Set<ChannelName> channels = new LinkedHashSet<>();
        /** The positions this subscriber is past the node on, while the node catches up; else null. */
        long[] ahead;
        int batchState = IDLE;
        boolean closed;
        /** A resume still being written (live batches skip this subscriber meanwhile); else null. */
        Backlog backlog;
        /** True while {@link #drain} runs for it: a flush inside it may report the connection writable. */
        boolean draining;

        Registration(Subscriber subscriber) {
            this.subscriber = subscriber;
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
    private final CatchUpReader reader;
    private final Cursors cursors;
    private final StreamLayout layout;
    private final Map<Subscriber, Registration> registrations = new IdentityHashMap<>();
    private final Map<String, List<Registration>> byChannel = new HashMap<>();
    private final List<List<Registration>> byStream = new ArrayList<>();
    private final List<Registration> touched = new ArrayList<>();
    private final List<Runnable> deferred = new ArrayList<>();
    private boolean delivering;
    private Delivered delivered;
    private int subscribers;

    Shard(Executor loop, CatchUpReader reader, Cursors cursors, long[] start) {
        this.loop = loop;
        this.reader = reader;
        this.cursors = cursors;
        this.layout = cursors.layout();
        this.delivered = new Delivered(-1, start.clone());
        for (int i = 0; i < layout.streams().size(); i++) {
            byStream.add(new ArrayList<>());
        }
    }

    public Executor loop() {
        return loop;
    }

    /** Live subscribers on this shard. */
    public int subscribers() {
        return subscribers;
    }

    /** How far this shard has delivered: the bound for a read that must not overlap live batches. */
    public Delivered delivered() {
        return delivered;
    }

    void deliver(List<Event> batch) {
        delivering = true;
        try {
            for (Event e : batch) {
                List<Registration> exact = byChannel.get(e.channelText());
                if (exact != null) {
                    offer(exact, e);
                }
                List<Registration> wild = byStream.get(e.stream());
                if (!wild.isEmpty()) {
                    offer(wild, e);
                }
            }
            Event last = batch.get(batch.size() - 1);
            delivered = new Delivered(last.seq(), last.vector());
            for (int i = 0; i < touched.size(); i++) {
                Registration r = touched.get(i);
                boolean write = r.batchState == IN_BATCH;
                r.batchState = IDLE;
                if (write && !r.closed) {
                    try {
                        r.subscriber.endBatch();
                    } catch (RuntimeException fault) {
                        failed(r, fault);
                    }
                }
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

    private void offer(List<Registration> regs, Event e) {
        for (int i = 0, n = regs.size(); i < n; i++) {
            Registration r = regs.get(i);
            if (r.closed || r.backlog != null) {
                continue;
            }
            try {
                if (r.batchState == IDLE) {
                    touched.add(r);
                    r.batchState = r.subscriber.beginBatch() ? IN_BATCH : SKIPPING;
                    if (r.batchState == SKIPPING) {
                        disconnect(r, DisconnectReason.SLOW_CONSUMER);
                    }
                }
                if (r.batchState != IN_BATCH) {
                    continue;
                }
                if (r.ahead == null) {
                    r.subscriber.write(e, null, false);
                } else {
                    writeAhead(r, e);
                }
            } catch (RuntimeException fault) {
                failed(r, fault);
            }
        }
    }

    /** A subscriber that resumed from a node further along than this one: skip what it has seen. */
    private void writeAhead(Registration r, Event e) {
        if (e.offset() < r.ahead[e.global()]) {
            return;
        }
        long[] merged = r.ahead.clone();
        Cursors.maxInto(merged, e.vector());
        r.subscriber.write(e, cursors.encode(merged), false);
        r.ahead = Cursors.covers(e.vector(), merged) ? null : merged;
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

    /**
     * Registers {@code s} for {@code channels} and writes its catch-up: snapshots when {@code from}
     * is null, else every retained event after {@code from} (with a gap notice if it is too old),
     * page by page. Channels already covered by a wildcard of {@code s} are skipped; a new wildcard
     * replaces the subscriber's channels of that stream.
     *
     * @return the position {@code s} is at afterwards (or, while its catch-up is still being
     *         written, the position it will reach once it is)
     */
    public String subscribe(Subscriber s, Collection<ChannelName> channels, long[] from) {
        Registration r = registrations.computeIfAbsent(s, Registration::new);
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
        long[] base = current(r);
        List<ChannelName> established = List.copyOf(r.channels);
        added.forEach(c -> register(r, c));
        if (from == null) {
            return subscribeToSnapshots(r, added, had ? base : delivered.vector());
        }
        if (r.backlog == null) {
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
        return cursors.encode(current(r));
    }

    private String subscribeToSnapshots(Registration r, List<ChannelName> added, long[] position) {
        Backlog backlog = r.backlog;
        CatchUp c = backlog == null ? reader.snapshots(added, position, delivered)
                // A resume is still being written: the snapshots must not carry a cursor past it.
                : reader.snapshots(added, backlog.position, new Delivered(delivered.seq(), backlog.position));
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
            CatchUp page = reader.page(b.ranges, b.position, PAGE, delivered);
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
            c.writeTo(r.subscriber);
            r.subscriber.endBatch();
            return !r.closed;
        } catch (RuntimeException fault) {
            failed(r, fault);
            return false;
        }
    }

    /**
     * Goes on with a subscriber's catch-up: its connection is writable again. A no-op when it
     * has none in progress.
     */
    public void resume(Subscriber s) {
        Registration r = registrations.get(s);
        if (r == null || r.backlog == null || r.draining) {
            return;
        }
        if (delivering) {
            deferred.add(() -> resume(s));
        } else {
            drain(r);
        }
    }

    private void writeStates(Registration r, List<Event> states) {
        try {
            if (!r.closed) {
                for (Event e : states) {
                    if (r.channels.contains(e.channel()) && !reader.hasEvent(e.channel(), delivered)) {
                        r.subscriber.write(e, e.cursor(), true);
                    }
                }
                r.subscriber.endBatch();
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
        return cursors.encode(r == null ? delivered.vector() : current(r));
    }

    /** The channels {@code s} is registered for. */
    public Set<ChannelName> channelsOf(Subscriber s) {
        Registration r = registrations.get(s);
        return r == null ? Set.of() : Set.copyOf(r.channels);
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
                List<Registration> list = c.isWildcard() ? byStream.get(layout.require(c).index()) : byChannel.get(c.toString());
                removeLater(list, r);
                if (!c.isWildcard() && list.isEmpty() && !delivering) {
                    byChannel.remove(c.toString());
                }
                if (r.backlog != null) {
                    r.backlog.ranges.removeIf(range -> range.drop(c));
                }
            }
        }
        if (had && r.channels.isEmpty()) {
            subscribers--;
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
    }

    private void register(Registration r, ChannelName c) {
        if (r.channels.isEmpty()) {
            subscribers++;
        }
        r.channels.add(c);
        if (c.isWildcard()) {
            byStream.get(layout.require(c).index()).add(r);
        } else {
            byChannel.computeIfAbsent(c.toString(), k -> new ArrayList<>()).add(r);
        }
    }

    // Lists are iterated by index during delivery: removing then would skip a subscriber.
    private void removeLater(List<Registration> list, Registration r) {
        if (delivering) {
            deferred.add(() -> swapRemove(list, r));
        } else {
            swapRemove(list, r);
        }
    }

    private static void swapRemove(List<Registration> list, Registration r) {
        int i = list.indexOf(r);
        if (i >= 0) {
            int last = list.size() - 1;
            list.set(i, list.get(last));
            list.remove(last);
        }
    }

    private void runDeferred() {
        if (!deferred.isEmpty()) {
            List<Runnable> run = new ArrayList<>(deferred);
            deferred.clear();
            run.forEach(Runnable::run);
            byChannel.values().removeIf(List::isEmpty);
        }
    }
}
