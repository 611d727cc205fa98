package dev.fanfare.feed;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Predicate;

/**
 * A {@link FeedSink} for unit tests of the feed (our own seam, not a stand-in for Kafka or Redis): it records every
 * send in order and settles it at once, refusing the ones {@link #refuse} matches; or, when {@link #hold} is set,
 * leaves them outstanding until {@link #settleHeld()}.
 */
final class RecordingSink implements FeedSink {

    /** One send; {@code detail} is the JSON for ticks, the count for claps, like/unlike for likes. */
    record Call(String kind, String key, String user, String detail) {
    }

    final List<Call> calls = new ArrayList<>();
    /** The calls that were settled as accepted, in the order they were settled. */
    final List<Call> accepted = new ArrayList<>();
    final List<String> threads = new ArrayList<>();
    private final List<Call> heldCalls = new ArrayList<>();
    private final List<CompletableFuture<Void>> held = new ArrayList<>();
    Predicate<Call> refuse = call -> false;
    boolean hold;

    @Override
    public synchronized CompletionStage<?> tick(String symbol, byte[] json) {
        return record(new Call("tick", symbol, null, new String(json, StandardCharsets.UTF_8)));
    }

    @Override
    public synchronized CompletionStage<?> clap(String post, String user, int count) {
        return record(new Call("clap", post, user, Integer.toString(count)));
    }

    @Override
    public synchronized CompletionStage<?> like(String post, String user, boolean like) {
        return record(new Call("like", post, user, like ? "like" : "unlike"));
    }

    private CompletionStage<?> record(Call call) {
        calls.add(call);
        threads.add(Thread.currentThread().getName());
        CompletableFuture<Void> result = new CompletableFuture<>();
        if (hold) {
            heldCalls.add(call);
            held.add(result);
        } else if (refuse.test(call)) {
            result.completeExceptionally(new IllegalStateException("refused " + call));
        } else {
            accepted.add(call);
            result.complete(null);
        }
        return result;
    }

    synchronized void settleHeld() {
        accepted.addAll(heldCalls);
        held.forEach(future -> future.complete(null));
        heldCalls.clear();
        held.clear();
    }

    synchronized List<Call> calls(String kind) {
        return calls.stream().filter(call -> call.kind().equals(kind)).toList();
    }

    synchronized int count(String kind) {
        return calls(kind).size();
    }
}
