package dev.fanfare.gateway.counters;

import dev.fanfare.gateway.core.ChannelName;
import dev.fanfare.gateway.core.CounterApi;
import dev.fanfare.gateway.core.SnapshotSource;
import java.util.concurrent.CompletionStage;

/**
 * Current totals of a post from the counter store, for a subscriber of {@code claps/<post>} or
 * {@code likes/<post>} whose post had no totals update in the node's rings.
 */
public final class TotalsSnapshots implements SnapshotSource {

    private final CounterApi service;

    public TotalsSnapshots(CounterApi service) {
        this.service = service;
    }

    @Override
    public boolean covers(ChannelName channel) {
        return ("claps".equals(channel.stream()) || "likes".equals(channel.stream())) && CounterInputs.isValidId(channel.key());
    }

    @Override
    public CompletionStage<byte[]> snapshot(ChannelName channel) {
        return service.totals(channel.key()).handle((totals, failure) -> failure == null ? totals : null);
    }
}
