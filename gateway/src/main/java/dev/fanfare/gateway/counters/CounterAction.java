package dev.fanfare.gateway.counters;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.fanfare.gateway.core.Json;
import java.io.IOException;
import java.util.Locale;

/**
 * One user action as recorded on the raw actions topic (keyed by post):
 * {@code {"type":"clap","post":"p","user":"u","count":3,"reservation":17}} or
 * {@code {"type":"like"|"unlike","post":"p","user":"u"}}.
 *
 * @param count claps in this action (1 for likes and unlikes)
 * @param reservation the clap reservation this action spends, {@link #NO_RESERVATION} when none
 */
public record CounterAction(Type type, String post, String user, int count, long reservation) {

    /** Reservation ids start at 1; 0 means the action was recorded without one. */
    public static final long NO_RESERVATION = 0;


    /** What the action does. {@link #NOOP} stands for an undecodable record: it only advances the offset. */
    public enum Type {
        CLAP, LIKE, UNLIKE, NOOP;

        String wireName() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    static CounterAction clap(String post, String user, int count, long reservation) {
        return new CounterAction(Type.CLAP, post, user, count, reservation);
    }

    static CounterAction like(String post, String user) {
        return new CounterAction(Type.LIKE, post, user, 1, NO_RESERVATION);
    }

    static CounterAction unlike(String post, String user) {
        return new CounterAction(Type.UNLIKE, post, user, 1, NO_RESERVATION);
    }

    /** Stands in for a record the worker cannot decode, so its offset is still applied exactly once. */
    static CounterAction noop() {
        return new CounterAction(Type.NOOP, "", "", 0, NO_RESERVATION);
    }

    byte[] toJson() {
        ObjectNode node = Json.MAPPER.createObjectNode()
                .put("type", type.wireName())
                .put("post", post)
                .put("user", user);
        if (type == Type.CLAP) {
            node.put("count", count);
            if (reservation != NO_RESERVATION) {
                node.put("reservation", reservation);
            }
        }
        try {
            return Json.MAPPER.writeValueAsBytes(node);
        } catch (IOException e) {
            throw new IllegalStateException("cannot encode " + this, e);
        }
    }

    /**
     * Decodes a record value.
     *
     * @throws IllegalArgumentException when the value is not a well-formed action
     */
    static CounterAction fromJson(byte[] value) {
        JsonNode node;
        try {
            node = Json.MAPPER.readTree(value);
        } catch (IOException e) {
            throw new IllegalArgumentException("not JSON", e);
        }
        if (node == null || !node.isObject()) {
            throw new IllegalArgumentException("not a JSON object");
        }
        String post = text(node, "post");
        String user = text(node, "user");
        if (!CounterInputs.isValidId(post) || !CounterInputs.isValidId(user)) {
            throw new IllegalArgumentException("bad post or user id");
        }
        switch (text(node, "type")) {
            case "clap" -> {
                JsonNode count = node.get("count");
                JsonNode reservation = node.get("reservation");
                if (count == null || !count.canConvertToInt() || !count.isIntegralNumber() || count.intValue() < 1) {
                    throw new IllegalArgumentException("bad count");
                }
                long id = reservation == null ? NO_RESERVATION : reservation.asLong(NO_RESERVATION);
                return clap(post, user, count.intValue(), id);
            }
            case "like" -> {
                return like(post, user);
            }
            case "unlike" -> {
                return unlike(post, user);
            }
            default -> throw new IllegalArgumentException("unknown type");
        }
    }

    private static String text(JsonNode node, String field) {
        JsonNode value = node.get(field);
        return value != null && value.isTextual() ? value.textValue() : "";
    }
}
