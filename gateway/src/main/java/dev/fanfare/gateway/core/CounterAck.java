package dev.fanfare.gateway.core;

import com.fasterxml.jackson.databind.node.ObjectNode;

/** A counter action durably recorded (answered 202); the totals follow on the totals channels. */
public sealed interface CounterAck {

    String post();

    String user();

    /** The fields of the answer. */
    ObjectNode toJson();

    /**
     * {@code {"post":"p","user":"u","count":3,"userClaps":12}}.
     *
     * @param userClaps the user's claps on the post including these
     */
    record Clap(String post, String user, int count, long userClaps) implements CounterAck {
        @Override
        public ObjectNode toJson() {
            return Json.MAPPER.createObjectNode().put("post", post).put("user", user).put("count", count)
                    .put("userClaps", userClaps);
        }
    }

    /** {@code {"post":"p","user":"u","liked":true|false}}, for a like or an unlike. */
    record Like(String post, String user, boolean liked) implements CounterAck {
        @Override
        public ObjectNode toJson() {
            return Json.MAPPER.createObjectNode().put("post", post).put("user", user).put("liked", liked);
        }
    }
}
