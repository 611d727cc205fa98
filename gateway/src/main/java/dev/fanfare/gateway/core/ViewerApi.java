package dev.fanfare.gateway.core;

import java.util.List;
import java.util.concurrent.CompletionStage;

/** Viewer counts summed over the nodes, as {@code GET /viewers} and viewer snapshots read them. */
public interface ViewerApi {

    /**
     * The counts of {@code channels}, in their order; completes off the event loop, exceptionally with an
     * {@link ApiException} ({@code unavailable}) when the store cannot be read.
     */
    CompletionStage<List<ViewerCount>> counts(List<ChannelName> channels);
}
