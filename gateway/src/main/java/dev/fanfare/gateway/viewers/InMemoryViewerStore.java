package dev.fanfare.gateway.viewers;

import dev.fanfare.gateway.core.ViewerCount;
import dev.fanfare.gateway.core.ViewerCounts;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.LongSupplier;

/** Viewer counts of one node in this JVM (no {@code --redis}): the same rules as {@link RedisViewerStore}. */
final class InMemoryViewerStore implements ViewerStore {

    private final long ttl;
    private final long window;
    private final LongSupplier clock;
    private final Map<String, Long> heartbeats = new HashMap<>();
    private final Map<String, Map<String, int[]>> nodes = new HashMap<>();
    /** "style|channel" → viewer → counted until. */
    private final Map<String, Map<String, Long>> polls = new HashMap<>();
    private final Set<String> channels = new HashSet<>();
    private final Map<String, ViewerCount> published = new HashMap<>();

    InMemoryViewerStore(Duration ttl, Duration window, LongSupplier clock) {
        this.ttl = ttl.toMillis();
        this.window = window.toMillis();
        this.clock = clock;
    }

    @Override
    public synchronized boolean report(String node, Map<String, int[]> streams, List<ViewerCounts.Sighting> sightings) {
        long now = clock.getAsLong();
        heartbeats.put(node, now);
        heartbeats.values().removeIf(t -> t < now - ttl);
        nodes.keySet().retainAll(heartbeats.keySet());
        if (streams != null) {
            nodes.put(node, new HashMap<>(streams));
            channels.addAll(streams.keySet());
        }
        for (ViewerCounts.Sighting s : sightings) {
            for (String c : s.channels()) {
                polls.computeIfAbsent(s.style().label() + "|" + c, k -> new HashMap<>()).merge(s.viewer(), s.untilMillis(), Math::max);
                channels.add(c);
            }
        }
        return true;
    }

    @Override
    public synchronized List<ViewerCount> counts(List<String> asked) {
        long now = clock.getAsLong();
        List<ViewerCount> out = new ArrayList<>(asked.size());
        for (String c : asked) {
            out.add(count(c, now));
        }
        return out;
    }

    @Override
    public synchronized List<ViewerCount> changed() {
        long now = clock.getAsLong();
        List<ViewerCount> out = new ArrayList<>();
        for (Iterator<String> it = channels.iterator(); it.hasNext(); ) {
            String c = it.next();
            ViewerCount count = count(c, now);
            ViewerCount last = published.get(c);
            if (count.total() == 0 && (last == null || last.equals(count))) {
                it.remove();
                published.remove(c);
            } else if (!count.equals(last)) {
                out.add(count);
            }
        }
        return out;
    }

    @Override
    public synchronized void published(ViewerCount count) {
        published.put(count.channel(), count);
    }

    private ViewerCount count(String c, long now) {
        int slash = c.indexOf('/');
        String wild = c.endsWith("/*") ? null : c.substring(0, slash + 1) + "*";
        long sse = 0;
        long ws = 0;
        for (Map<String, int[]> node : nodes.values()) {
            for (String k : wild == null ? List.of(c) : List.of(c, wild)) {
                int[] n = node.get(k);
                if (n != null) {
                    sse += n[0];
                    ws += n[1];
                }
            }
        }
        return new ViewerCount(c, sse, ws, polls("longpoll", c, wild, now), polls("poll", c, wild, now));
    }

    private long polls(String style, String c, String wild, long now) {
        long n = 0;
        for (String k : wild == null ? List.of(c) : List.of(c, wild)) {
            Map<String, Long> seen = polls.get(style + "|" + k);
            if (seen != null) {
                seen.values().removeIf(until -> until <= now - window);
                n += seen.size();
                if (seen.isEmpty()) {
                    polls.remove(style + "|" + k);
                }
            }
        }
        return n;
    }

    @Override
    public synchronized void leave(String node) {
        heartbeats.remove(node);
        nodes.remove(node);
    }

    @Override
    public String describe() {
        return "in-memory";
    }

    @Override
    public void close() {
    }
}
