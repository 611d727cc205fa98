package dev.fanfare.gateway.counters;

import dev.fanfare.gateway.core.Json;
import java.io.IOException;

/**
 * The current totals of one post, as published on the totals channels {@code claps/<post>} and
 * {@code likes/<post>}: {@code {"post":"post-1","claps":120,"likes":7}}.
 */
public record PostTotals(String post, long claps, long likes) {

    /** The JSON payload published on the totals channels and answered as a snapshot. */
    public byte[] toJson() {
        try {
            return Json.MAPPER.writeValueAsBytes(
                    Json.MAPPER.createObjectNode().put("post", post).put("claps", claps).put("likes", likes));
        } catch (IOException e) {
            throw new IllegalStateException("cannot encode " + this, e);
        }
    }
}
