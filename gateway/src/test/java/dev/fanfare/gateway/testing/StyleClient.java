package dev.fanfare.gateway.testing;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;

/**
 * A subscriber of one delivery style, as a test sees it: whatever the style, it collects the
 * envelopes it received ({@code channel}, {@code cursor}, {@code ts}, {@code data}, maybe
 * {@code snapshot}) in arrival order, the gap notices, and the cursor to resume from. One contract
 * test drives all four styles through this interface.
 *
 * <p>Thread-safe: a client receives on threads of its own; the accessors return snapshots.
 */
public interface StyleClient extends AutoCloseable {

    /**
     * A gap notice: events of {@code channels} were lost to this client. {@code eventsBefore} is how
     * many events it had received when the notice came. {@code cursor} is where the notice says to go
     * on from: SSE and WebSocket name the position right before the oldest event still retained; a
     * poll answer has one cursor only, the position after its events.
     */
    record Gap(String cursor, List<String> channels, int eventsBefore) {
    }

    Style style();

    /**
     * Subscribes to {@code channels} from {@code cursor} (null: from the live end, with snapshots).
     * Returns once the gateway has the subscription where the style lets a client know it (SSE:
     * response header read; WebSocket: ack received; short poll: first answer read); a long poll
     * may still be on its way, so tests that need an exact start pass a cursor.
     * A client may be started again after {@link #stop()}: it keeps what it received so far.
     */
    void start(List<String> channels, String cursor);

    /** Disconnects (or stops polling). Anything answered after this is dropped, whole. */
    void stop();

    /** Envelopes received so far, in order (WebSocket's {@code "type"} removed). */
    List<JsonNode> events();

    List<Gap> gaps();

    /** The latest position the gateway gave this client (event, gap, ack or poll answer); null before any. */
    String lastCursor();

    /** What went wrong unexpectedly (error answers, failed requests, unexpected closes); empty when all is well. */
    List<String> errors();

    @Override
    default void close() {
        stop();
    }
}
