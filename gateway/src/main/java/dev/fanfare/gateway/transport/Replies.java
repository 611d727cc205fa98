package dev.fanfare.gateway.transport;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.fanfare.gateway.core.ApiException;
import dev.fanfare.gateway.core.ErrorCode;
import dev.fanfare.gateway.core.Json;

/**
 * The protocol's answers as JSON, built in one place: the HTTP error body and the WebSocket
 * error and ack messages, whichever part of the gateway sends them.
 */
public final class Replies {

    private Replies() {
    }

    /** {@code {"error":"<code>","message":".."}}: the body of every HTTP error. */
    public static ObjectNode error(ErrorCode code, String message) {
        return Json.MAPPER.createObjectNode().put("error", code.code()).put("message", message);
    }

    /** The error body of a refusal (when to retry goes in the {@code Retry-After} header: {@link HttpResponses#error}). */
    public static ObjectNode error(ApiException e) {
        return error(e.code(), e.getMessage());
    }

    /** {@code {"type":"error","id":..,"code":"<code>","message":".."}}; {@code id} only when the request had one. */
    public static ObjectNode errorFrame(JsonNode id, ErrorCode code, String message) {
        ObjectNode frame = Json.MAPPER.createObjectNode().put("type", "error");
        if (id != null) {
            frame.set("id", id);
        }
        return frame.put("code", code.code()).put("message", message);
    }

    /** The error message of a refusal; a rate limit's also says when to retry: {@code "retryAfter":<seconds>}. */
    public static ObjectNode errorFrame(JsonNode id, ApiException e) {
        ObjectNode frame = errorFrame(id, e.code(), e.getMessage());
        return e.retryAfterSeconds() > 0 ? frame.put("retryAfter", e.retryAfterSeconds()) : frame;
    }

    /** {@code {"type":"ack","id":..}}, for the caller to add the ack's fields; {@code id} only when given. */
    public static ObjectNode ackFrame(JsonNode id) {
        return frame("ack", id);
    }

    /** {@code {"type":"pong","id":..}}: the answer to a client's {@code ping} message. */
    public static ObjectNode pongFrame(JsonNode id) {
        return frame("pong", id);
    }

    private static ObjectNode frame(String type, JsonNode id) {
        ObjectNode frame = Json.MAPPER.createObjectNode().put("type", type);
        if (id != null) {
            frame.set("id", id);
        }
        return frame;
    }
}
