package dev.fanfare.gateway.testing;

import dev.fanfare.gateway.core.ApiException;
import dev.fanfare.gateway.core.CounterAck;
import dev.fanfare.gateway.core.CounterApi;
import dev.fanfare.gateway.core.ErrorCode;
import dev.fanfare.gateway.core.Json;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/** Claps and likes counted in memory, exactly, for handler tests: the contract without Kafka or Redis. */
public class LocalCounters implements CounterApi {

    private final int cap;
    private final Map<String, Long> claps = new HashMap<>();
    private final Map<String, Long> userClaps = new HashMap<>();
    private final Map<String, Set<String>> likes = new HashMap<>();

    public LocalCounters(int cap) {
        this.cap = cap;
    }

    @Override
    public int clapCap() {
        return cap;
    }

    @Override
    public synchronized CompletionStage<CounterAck> clap(String post, String user, long count) {
        if (post == null || user == null) {
            return failed(ApiException.badParameter(post == null ? "post" : "user", "missing", "an id"));
        }
        if (count < 1 || count > cap) {
            return failed(ApiException.badParameter("count", count, "1.." + cap));
        }
        long given = userClaps.getOrDefault(post + "/" + user, 0L);
        if (given + count > cap) {
            return failed(new ApiException(ErrorCode.CLAP_LIMIT, "count: " + count + " (expected: at most " + (cap - given) + ")"));
        }
        userClaps.put(post + "/" + user, given + count);
        claps.merge(post, count, Long::sum);
        return CompletableFuture.completedFuture(new CounterAck.Clap(post, user, (int) count, given + count));
    }

    @Override
    public synchronized CompletionStage<CounterAck> like(String post, String user) {
        likes.computeIfAbsent(post, k -> new HashSet<>()).add(user);
        return CompletableFuture.completedFuture(new CounterAck.Like(post, user, true));
    }

    @Override
    public synchronized CompletionStage<CounterAck> unlike(String post, String user) {
        likes.getOrDefault(post, new HashSet<>()).remove(user);
        return CompletableFuture.completedFuture(new CounterAck.Like(post, user, false));
    }

    @Override
    public synchronized CompletionStage<byte[]> totals(String post) {
        return CompletableFuture.completedFuture(Json.MAPPER.createObjectNode().put("post", post)
                .put("claps", claps.getOrDefault(post, 0L)).put("likes", likes.getOrDefault(post, Set.of()).size())
                .toString().getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    private static CompletionStage<CounterAck> failed(ApiException e) {
        return CompletableFuture.failedFuture(e);
    }
}
