package dev.fanfare.gateway.counters;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.fanfare.gateway.core.Json;

/**
 * A counter action durably recorded in Kafka (answered 202). The totals follow on the totals channels.
 *
 * @param userClaps for a clap, the user's claps on the post including this one; 0 for likes
 */
public record CounterAck(CounterAction.Type type, String post, String user, int count, long userClaps) {

    /**
     * The fields of the answer: {@code {"post":"p","user":"u","count":3,"userClaps":12}} for a clap,
     * {@code {"post":"p","user":"u","liked":true|false}} for a like or an unlike.
     */
    public ObjectNode toJson() {
        ObjectNode node = Json.MAPPER.createObjectNode().put("post", post).put("user", user);
        if (type == CounterAction.Type.CLAP) {
            return node.put("count", count).put("userClaps", userClaps);
        }
        return node.put("liked", type == CounterAction.Type.LIKE);
    }
}
