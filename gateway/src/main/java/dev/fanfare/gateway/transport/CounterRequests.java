package dev.fanfare.gateway.transport;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.fanfare.gateway.core.ApiException;
import dev.fanfare.gateway.core.CounterAck;
import dev.fanfare.gateway.core.CounterApi;
import dev.fanfare.gateway.core.ErrorCode;
import dev.fanfare.gateway.core.Json;
import dev.fanfare.gateway.core.Principal;
import dev.fanfare.gateway.counters.CounterInputs;
import dev.fanfare.gateway.metrics.GatewayMetrics;
import dev.fanfare.gateway.limits.ClientLimits;
import java.io.IOException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Claps and likes in the wire protocol: reads the HTTP bodies and WebSocket messages, calls the
 * {@link CounterApi}, and answers with the protocol's JSON. The router decides which path and
 * method reach which entry point.
 *
 * <ul>
 *   <li>{@code POST /claps/<post>} {@code {"user":"u","count":3}} ({@code count} defaults to 1)</li>
 *   <li>{@code PUT /likes/<post>} and {@code DELETE /likes/<post>} {@code {"user":"u"}}</li>
 *   <li>WebSocket {@code {"type":"clap"|"like"|"unlike","post":"p","user":"u","count":3,"id":"7"}}</li>
 * </ul>
 * An action counts for the caller's token's subject ({@link Principal#counterUser}: a body naming
 * another user is refused 403), or on a node without a key for the user the body names; then the
 * caller's rate limits apply (per user and per address: 429 with when to retry).
 * Answers: 202 with the ack's fields; errors as {@link Replies#error}. The returned stages never
 * fail, and complete off the event loop: hop back to the channel's event loop before writing.
 */
public final class CounterRequests {

    private static final Logger log = LoggerFactory.getLogger(CounterRequests.class);

    /** An HTTP answer: the status, its JSON body, and for a rate limit the seconds to wait ({@code Retry-After}), else 0. */
    public record Reply(int status, ObjectNode body, long retryAfterSeconds) {
    }

    private final CounterApi counters;
    private final ClientLimits limits;
    private final GatewayMetrics metrics;

    public CounterRequests(CounterApi counters, ClientLimits limits, GatewayMetrics metrics) {
        this.counters = counters;
        this.limits = limits;
        this.metrics = metrics;
    }

    /** {@code POST /claps/<post>}: {@code postSegment} is the path after {@code /claps/}, still percent-encoded. */
    public CompletionStage<Reply> clap(Caller caller, String postSegment, byte[] body) {
        return http("clap", () -> {
            String post = decodePost(postSegment);
            JsonNode request = parseBody(body, true);
            long count = count(request);
            return counters.clap(post, user(caller, request), count);
        });
    }

    /** {@code PUT} ({@code like}) or {@code DELETE /likes/<post>}. */
    public CompletionStage<Reply> like(Caller caller, String postSegment, byte[] body, boolean like) {
        return http(like ? "like" : "unlike", () -> {
            String post = decodePost(postSegment);
            String user = user(caller, parseBody(body, false));
            return like ? counters.like(post, user) : counters.unlike(post, user);
        });
    }

    /** The user the action counts for, once the caller's limits let it through. */
    private String user(Caller caller, JsonNode request) {
        String user = caller.principal().counterUser(textOrNull(request, "user"));
        limits.count(user, caller.address());
        return user;
    }

    private interface Action {
        CompletionStage<CounterAck> start();
    }

    private CompletionStage<Reply> http(String name, Action request) {
        CompletionStage<CounterAck> action;
        try {
            action = request.start();
        } catch (ApiException rejection) {
            return CompletableFuture.completedFuture(errorReply(name, rejection));
        }
        return action.handle((ack, failure) -> {
            if (failure != null) {
                return errorReply(name, rejection(failure));
            }
            counted(name, "accepted");
            return new Reply(202, ack.toJson(), 0);
        });
    }

    private void counted(String action, String outcome) {
        metrics.counterAction(action, outcome).increment();
    }

    /**
     * Handles one WebSocket message whose {@code type} is {@code clap}, {@code like} or {@code unlike}.
     *
     * @return the frame to send back: {@code {"type":"ack","id":"7",...ack fields}} or an
     *         {@link Replies#errorFrame error frame} ({@code id} only when given)
     */
    public CompletionStage<ObjectNode> websocket(Caller caller, JsonNode message) {
        JsonNode id = message.get("id");
        CompletionStage<CounterAck> action;
        try {
            String type = message.path("type").asText("");
            String post = textOrNull(message, "post");
            action = switch (type) {
                case "clap" -> {
                    long count = count(message);
                    yield counters.clap(post, user(caller, message), count);
                }
                case "like" -> like(message) ? counters.like(post, user(caller, message))
                        : counters.unlike(post, user(caller, message));
                case "unlike" -> counters.unlike(post, user(caller, message));
                default -> throw ApiException.badParameter("type", CounterInputs.quote(type), "clap, like or unlike");
            };
        } catch (ApiException rejection) {
            counted(actionName(message), rejection.code().code());
            return CompletableFuture.completedFuture(Replies.errorFrame(id, rejection));
        }
        return action.handle((ack, failure) -> {
            if (failure != null) {
                ApiException rejection = rejection(failure);
                counted(actionName(message), rejection.code().code());
                return Replies.errorFrame(id, rejection);
            }
            counted(actionName(message), "accepted");
            return Replies.ackFrame(id).setAll(ack.toJson());
        });
    }

    /** {@code "like"}: true when absent, else a boolean. */
    private static boolean like(JsonNode message) {
        JsonNode like = message.get("like");
        if (like == null || like.isNull()) {
            return true;
        }
        if (!like.isBoolean()) {
            throw ApiException.badParameter("like", shown(like), "true or false");
        }
        return like.booleanValue();
    }

    private static String decodePost(String segment) {
        try {
            return io.netty.handler.codec.http.QueryStringDecoder.decodeComponent(segment);
        } catch (IllegalArgumentException e) {
            throw ApiException.badParameter("post", CounterInputs.quote(segment), "a percent-encoded post id");
        }
    }

    private JsonNode parseBody(byte[] body, boolean claps) {
        String expected = claps ? "{\"user\":\"<id>\",\"count\":1.." + counters.clapCap() + "}" : "{\"user\":\"<id>\"}";
        if (body == null || body.length == 0) {
            throw new ApiException(ErrorCode.MISSING_BODY, "body: missing (expected: " + expected + ")");
        }
        JsonNode node;
        try {
            node = Json.MAPPER.readTree(body);
        } catch (IOException e) {
            node = null;
        }
        if (node == null || !node.isObject()) {
            throw ApiException.badParameter("body", "not a JSON object", expected);
        }
        return node;
    }

    /** The clap count: 1 when absent, else an integer (range checked by the counters). */
    private long count(JsonNode request) {
        JsonNode count = request.get("count");
        if (count == null) {
            return 1;
        }
        if (!count.isIntegralNumber() || !count.canConvertToLong()) {
            throw ApiException.badParameter("count", shown(count), "an integer 1.." + counters.clapCap());
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
            throw ApiException.badParameter(field, shown(value), "a string");
        }
        return value.textValue();
    }

    private static ApiException rejection(Throwable failure) {
        ApiException rejection = ApiException.of(failure);
        if (rejection != null) {
            return rejection;
        }
        log.error("Counter request failed unexpectedly", failure);
        return new ApiException(ErrorCode.INTERNAL, "internal error");
    }

    private Reply errorReply(String action, ApiException rejection) {
        counted(action, rejection.code().code());
        return new Reply(rejection.code().status(), Replies.error(rejection), rejection.retryAfterSeconds());
    }

    /** The action a WebSocket message names, as a metric tag (one of a few known words). */
    private static String actionName(JsonNode message) {
        String type = message.path("type").asText("");
        if (type.equals("like") && !message.path("like").asBoolean(true)) {
            return "unlike";
        }
        return switch (type) {
            case "clap", "like", "unlike" -> type;
            default -> "other";
        };
    }
}
