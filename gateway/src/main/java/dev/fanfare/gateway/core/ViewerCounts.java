package dev.fanfare.gateway.core;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Who watches what on this node, for the viewer counts a reporter sums over the nodes.
 *
 * <ul>
 *   <li><b>Streams</b> (SSE, WebSocket): a count per channel and style, changed by the shards when
 *       a subscriber registers or leaves a channel: a subscribe costs one map update, a delivery
 *       nothing. Reading it costs O(channels), never O(subscribers).</li>
 *   <li><b>Polls</b> (short and long): a poll holds no state, so each one is a <em>sighting</em>
 *       of its viewer on its channels until a time; the reporter hands them to the store, which
 *       counts a viewer while its latest sighting is within the window. Sightings wait in a bounded
 *       queue (100,000; past it they are dropped and counted: a poller is seen again at its next poll).</li>
 * </ul>
 *
 * <p>Channels of the {@value #STREAM} stream itself are not counted. Thread-safe.
 */
public final class ViewerCounts {

    /** The stream viewer counts are published on. */
    public static final String STREAM = "viewers";
    private static final int MAX_SIGHTINGS = 100_000;

    /** A poll's viewer seen on channels, counted until {@code untilMillis} (plus the store's window). */
    public record Sighting(Style style, List<String> channels, String viewer, long untilMillis) {
    }

    private final Map<String, int[]> streams = new ConcurrentHashMap<>();
    private final BlockingQueue<Sighting> sightings = new ArrayBlockingQueue<>(MAX_SIGHTINGS);
    private final AtomicLong sightingsDropped = new AtomicLong();

    /** A subscriber of {@code style} joined ({@code +1}) or left ({@code -1}) {@code channel}; called by shards. */
    void add(Style style, ChannelName channel, int delta) {
        if (style != Style.SSE && style != Style.WS || STREAM.equals(channel.stream())) {
            return; // parked long polls are counted by their sightings, like short polls
        }
        int i = style == Style.SSE ? 0 : 1;
        streams.compute(channel.toString(), (k, counts) -> {
            int[] c = counts == null ? new int[2] : counts.clone(); // published arrays never change: readers copy none
            c[i] += delta;
            return c[0] == 0 && c[1] == 0 ? null : c;
        });
    }

    /** A poll of {@code viewer} on {@code channels}: counted until {@code untilMillis}. */
    public void sighted(Style style, Collection<ChannelName> channels, String viewer, long untilMillis) {
        List<String> watched = new ArrayList<>(channels.size());
        for (ChannelName c : channels) {
            if (!STREAM.equals(c.stream())) {
                watched.add(c.toString());
            }
        }
        if (!watched.isEmpty() && !sightings.offer(new Sighting(style, watched, viewer, untilMillis))) {
            sightingsDropped.incrementAndGet();
        }
    }

    /** Per channel, its SSE and WebSocket subscribers on this node now ({@code [sse, ws]}; arrays not to be changed). */
    public Map<String, int[]> streams() {
        return new HashMap<>(streams);
    }

    /** Takes the sightings queued so far. */
    public List<Sighting> drainSightings() {
        List<Sighting> out = new ArrayList<>();
        sightings.drainTo(out);
        return out;
    }

    /** Sightings dropped because the queue was full. */
    public long sightingsDropped() {
        return sightingsDropped.get();
    }

    /** The channel the viewer counts of {@code watched} are published on, or null when its name would be too long. */
    public static ChannelName channelOf(ChannelName watched) {
        String key = watched.isWildcard() ? watched.stream() : watched.stream() + ":" + watched.key();
        return ChannelName.isValidKey(key) ? new ChannelName(STREAM, key) : null;
    }

    /** The channel whose viewer counts {@code viewers} (a channel of the viewers stream) carries, or null. */
    public static ChannelName watchedBy(ChannelName viewers) {
        if (!STREAM.equals(viewers.stream()) || viewers.isWildcard()) {
            return null;
        }
        String key = viewers.key();
        int colon = key.indexOf(':');
        try {
            return colon < 0 ? new ChannelName(key, ChannelName.WILDCARD)
                    : new ChannelName(key.substring(0, colon), key.substring(colon + 1));
        } catch (IllegalArgumentException notAChannel) {
            return null;
        }
    }
}
