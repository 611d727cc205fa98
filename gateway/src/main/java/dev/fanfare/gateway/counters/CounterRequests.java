package dev.fanfare.gateway.counters;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.fanfare.gateway.core.Json;
import dev.fanfare.gateway.counters.CounterRejection.Reason;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.io.IOException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The counter API as the transports see it: parses HTTP requests and WebSocket messages, calls
 * {@link CounterService}, and answers with the protocol's JSON. Transport-free, so the HTTP handler and the
 * WebSocket handler only route and write.
 *
 * <ul>
 *   <li>{@code POST /claps/<post>} {@code {"user":"u","count":3}} ({@code count} defaults to 1)</li>
 *   <li>{@code PUT /likes/<post>} and {@code DELETE /likes/<post>} {@code {"user":"u"}}</li>
 *   <li>WebSocket {@code {"type":"clap"|"like"|"unlike","post":"p","user":"u","count":3,"id":"7"}}</li>
 * </ul>
 * Answers: 202 with {@link CounterAck#toJson()}; errors as {@code {"error":"<code>","message":"..."}} with
 * 400, 405, 409 or 503. The returned stages never fail, and complete off the event loop: hop back to the
 * channel's event loop before writing.
 */
public final class CounterRequests {

    private static final Logger log = LoggerFactory.getLogger(CounterRequests.class);
    private static final String CLAPS = "/claps/";
    private static final String LIKES = "/likes/";
    private static final int ACCEPTED = 202;

    private final CounterService service;

    public CounterRequests(CounterService service) {
        this.service = service;
    }

    /** Whether {@code path} (without query) belongs to the counter API. */
    public static boolean handles(String path) {
        return path.startsWith(CLAPS) || path.startsWith(LIKES);
    }

    /**
     * Whether the method fits the path: {@code POST} for {@code /claps/}, {@code PUT} or {@code DELETE} for
     * {@code /likes/}. {@link #http} answers 405 itself otherwise; a router with its own 405 asks first.
     */
    public static boolean allows(String method, String path) {
        if (path.startsWith(CLAPS)) {
            return method.equals("POST");
        }
        return path.startsWith(LIKES) && (method.equals("PUT") || method.equals("DELETE"));
    }

    /**
     * Handles one HTTP request of the counter API.
     *
     * @param method the request method, e.g. {@code "POST"}
     * @param path the raw request path without the query, e.g. {@code /claps/post-1}
     * @param body the request body; empty when there is none
     */
    public CompletionStage<CounterReply> http(String method, String path, byte[] body) {
        CompletionStage<CounterAck> action;
        try {
            action = httpAction(method, path, body);
        } catch (CounterRejection rejection) {
            return CompletableFuture.completedFuture(errorReply(rejection));
        }
        return action.handle((ack, failure) -> failure == null
                ? new CounterReply(ACCEPTED, json(ack.toJson()))
                : errorReply(rejection(failure)));
    }

    /**
     * Handles one WebSocket message whose {@code type} is {@code clap}, {@code like} or {@code unlike}.
     *
     * @return the frame to send back: {@code {"type":"ack","id":"7",...ack fields}} or
     *         {@code {"type":"error","id":"7","code":"...","message":"..."}} ({@code id} only when given)
     */
    public CompletionStage<ObjectNode> websocket(JsonNode message) {
        JsonNode id = message.get("id");
        CompletionStage<CounterAck> action;
        try {
            String type = message.path("type").asText("");
            String post = textOrNull(message, "post");
            String user = textOrNull(message, "user");
            action = switch (type) {
                case "clap" -> service.clap(post, user, count(message));
                case "like" -> message.path("like").asBoolean(true) ? service.like(post, user) : service.unlike(post, user);
                case "unlike" -> service.unlike(post, user);
                default -> throw CounterRejection.badParameter("type", CounterInputs.quote(type),
                        "clap, like or unlike");
            };
        } catch (CounterRejection rejection) {
            return CompletableFuture.completedFuture(errorFrame(id, rejection));
        }
        return action.handle((ack, failure) -> {
            if (failure != null) {
                return errorFrame(id, rejection(failure));
            }
            ObjectNode frame = Json.MAPPER.createObjectNode().put("type", "ack");
            if (id != null) {
                frame.set("id", id);
            }
            return frame.setAll(ack.toJson());
        });
    }

    private CompletionStage<CounterAck> httpAction(String method, String path, byte[] body) {
        boolean claps = path.startsWith(CLAPS);
        if (!claps && !path.startsWith(LIKES)) {
            throw CounterRejection.badParameter("path", CounterInputs.quote(path), "/claps/<post> or /likes/<post>");
        }
        String post = decodePost(path.substring(claps ? CLAPS.length() : LIKES.length()));
        if (claps && !method.equals("POST")) {
            throw new CounterRejection(Reason.METHOD_NOT_ALLOWED, "method: " + method + " (expected: POST)");
        }
        if (!claps && !method.equals("PUT") && !method.equals("DELETE")) {
            throw new CounterRejection(Reason.METHOD_NOT_ALLOWED,
                    "method: " + method + " (expected: PUT to like, DELETE to unlike)");
        }
        JsonNode request = parseBody(body, claps);
        String user = textOrNull(request, "user");
        if (claps) {
            return service.clap(post, user, count(request));
        }
        return method.equals("PUT") ? service.like(post, user) : service.unlike(post, user);
    }

    private static String decodePost(String segment) {
        try {
            return QueryStringDecoder.decodeComponent(segment);
        } catch (IllegalArgumentException e) {
            throw CounterRejection.badParameter("post", CounterInputs.quote(segment), "a percent-encoded post id");
        }
    }

    private JsonNode parseBody(byte[] body, boolean claps) {
        String expected = claps ? "{\"user\":\"<id>\",\"count\":1.." + service.clapCap() + "}" : "{\"user\":\"<id>\"}";
        if (body == null || body.length == 0) {
            throw new CounterRejection(Reason.MISSING_BODY, "body: missing (expected: " + expected + ")");
        }
        JsonNode node;
        try {
            node = Json.MAPPER.readTree(body);
        } catch (IOException e) {
            node = null;
        }
        if (node == null || !node.isObject()) {
            throw CounterRejection.badParameter("body", "not a JSON object", expected);
        }
        return node;
    }

    /** The clap count: 1 when absent, else an integer (range checked by the service). */
    private long count(JsonNode request) {
        JsonNode count = request.get("count");
        if (count == null) {
            return 1;
        }
        String expected = "an integer 1.." + service.clapCap();
        if (!count.isIntegralNumber() || !count.canConvertToLong()) {
            throw CounterRejection.badParameter("count", shown(count), expected);
        }
        return count.longValue();
    }

    private static String shown(JsonNode value) {
        String text = value.toString();
        return text.length() > 40 ? text.substring(0, 40) + "..." : text;
    }

    private static String textOrNull(JsonNode node, String field) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isTextual()) {
            throw CounterRejection.badParameter(field, shown(value), "a string");
        }
        return value.textValue();
    }

    private static CounterRejection rejection(Throwable failure) {
        Throwable cause = failure instanceof CompletionException && failure.getCause() != null
                ? failure.getCause() : failure;
        if (cause instanceof CounterRejection rejection) {
            return rejection;
        }
        log.error("Counter request failed unexpectedly", cause);
        return new CounterRejection(Reason.INTERNAL, "internal error");
    }

    private static CounterReply errorReply(CounterRejection rejection) {
        return new CounterReply(rejection.reason().status(),
                json(error(rejection.reason().code(), rejection.getMessage())));
    }

    private static ObjectNode errorFrame(JsonNode id, CounterRejection rejection) {
        ObjectNode frame = Json.MAPPER.createObjectNode().put("type", "error");
        if (id != null) {
            frame.set("id", id);
        }
        return frame.put("code", rejection.reason().code()).put("message", rejection.getMessage());
    }

    private static ObjectNode error(String code, String message) {
        return Json.MAPPER.createObjectNode().put("error", code).put("message", message);
    }

    private static byte[] json(ObjectNode node) {
        try {
            return Json.MAPPER.writeValueAsBytes(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot encode " + node, e);
        }
    }
}
