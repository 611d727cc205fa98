package dev.fanfare.gateway.counters;

import dev.fanfare.gateway.core.ApiException;
import dev.fanfare.gateway.core.CounterAck;
import dev.fanfare.gateway.core.CounterApi;
import dev.fanfare.gateway.core.ErrorCode;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The request path of claps and likes: validates, reserves claps against the per-user cap, records the action
 * on the actions topic and answers once Kafka has it. Non-blocking: every method returns at once; Redis calls
 * and Kafka sends run on the given bounded executor, never on the caller's thread (an event loop).
 *
 * <p>Stages complete on the executor or on the Kafka producer's thread; hop back to the event loop before
 * writing. They fail with {@link ApiException} only: 400 (bad input), 409 (over the cap, nothing
 * counted) or 503 (Redis or Kafka unavailable, or too many requests waiting; nothing counted).
 */
public final class CounterService implements CounterApi {

    private static final Logger log = LoggerFactory.getLogger(CounterService.class);

    private final CounterStore store;
    private final Producer<String, byte[]> producer;
    private final String actionsTopic;
    private final int clapCap;
    private final Executor executor;

    /**
     * @param producer idempotent, {@code acks=all}; shared, not closed here
     * @param executor bounded; a rejected task becomes a 503
     */
    public CounterService(CounterStore store, Producer<String, byte[]> producer, String actionsTopic, int clapCap,
            Executor executor) {
        this.store = store;
        this.producer = producer;
        this.actionsTopic = actionsTopic;
        this.clapCap = clapCap;
        this.executor = executor;
    }

    @Override
    public int clapCap() {
        return clapCap;
    }

    @Override
    public CompletionStage<CounterAck> clap(String post, String user, long count) {
        CompletableFuture<CounterAck> answer = new CompletableFuture<>();
        try {
            CounterInputs.post(post);
            CounterInputs.user(user);
            int claps = CounterInputs.count(count, clapCap);
            run(answer, () -> {
                ClapReservation reservation = store.reserveClaps(post, user, claps, clapCap);
                if (!reservation.accepted()) {
                    throw new ApiException(ErrorCode.CLAP_LIMIT, "count: " + claps + " (expected: at most "
                            + (clapCap - reservation.userClaps()) + "; user " + user + " has given "
                            + reservation.userClaps() + " of " + clapCap + " claps to post " + post + ")");
                }
                CounterAck ack = new CounterAck.Clap(post, user, claps, reservation.userClaps());
                record(CounterAction.clap(post, user, claps, reservation.id()), answer, ack);
            });
        } catch (ApiException rejection) {
            answer.completeExceptionally(rejection);
        }
        return answer;
    }

    @Override
    public CompletionStage<CounterAck> like(String post, String user) {
        return likeOrUnlike(CounterAction.Type.LIKE, post, user);
    }

    /** Unliking what is not liked changes nothing. */
    @Override
    public CompletionStage<CounterAck> unlike(String post, String user) {
        return likeOrUnlike(CounterAction.Type.UNLIKE, post, user);
    }

    /** The current totals of {@code post}, read from the store (the snapshot for a new subscriber). */
    public CompletionStage<PostTotals> postTotals(String post) {
        CompletableFuture<PostTotals> answer = new CompletableFuture<>();
        try {
            CounterInputs.post(post);
            run(answer, () -> answer.complete(store.totals(post)));
        } catch (ApiException rejection) {
            answer.completeExceptionally(rejection);
        }
        return answer;
    }

    @Override
    public CompletionStage<byte[]> totals(String post) {
        return postTotals(post).thenApply(PostTotals::toJson);
    }

    /** Whether the store answers now (for {@code /health}); completes with false rather than failing. */
    public CompletionStage<Boolean> storeUp() {
        CompletableFuture<Boolean> answer = new CompletableFuture<>();
        run(answer, () -> {
            store.ping();
            answer.complete(true);
        });
        return answer.exceptionally(failure -> false);
    }

    private CompletionStage<CounterAck> likeOrUnlike(CounterAction.Type type, String post, String user) {
        CompletableFuture<CounterAck> answer = new CompletableFuture<>();
        try {
            CounterInputs.post(post);
            CounterInputs.user(user);
            run(answer, () -> {
                // Likes are decided by the worker; the check keeps the promise that no action is taken while the
                // counts cannot move, so a client never gets 202 for a like its counts cannot show.
                store.ping();
                CounterAction action = type == CounterAction.Type.LIKE
                        ? CounterAction.like(post, user) : CounterAction.unlike(post, user);
                record(action, answer, new CounterAck.Like(post, user, type == CounterAction.Type.LIKE));
            });
        } catch (ApiException rejection) {
            answer.completeExceptionally(rejection);
        }
        return answer;
    }

    /**
     * Sends the action and completes {@code answer} once Kafka acknowledged it. Runs on the executor: a send
     * may block while the producer fetches metadata.
     */
    private void record(CounterAction action, CompletableFuture<CounterAck> answer, CounterAck ack) {
        ProducerRecord<String, byte[]> record = new ProducerRecord<>(actionsTopic, action.post(), action.toJson());
        try {
            producer.send(record, (metadata, failure) -> {
                if (failure == null) {
                    answer.complete(ack);
                } else {
                    notRecorded(action, failure, answer, ack);
                }
            });
        } catch (RuntimeException failure) {
            notRecorded(action, failure, answer, ack);
        }
    }

    /**
     * Kafka did not confirm the record. Without a reservation nothing can count it twice: answer 503. A clap
     * releases its reservation first, which also tells whether the worker counted it after all.
     */
    private void notRecorded(CounterAction action, Throwable failure, CompletableFuture<CounterAck> answer,
            CounterAck ack) {
        log.debug("Kafka did not record {}", action, failure);
        String why = "Kafka did not record the " + action.type().wireName();
        if (action.reservation() == CounterAction.NO_RESERVATION) {
            answer.completeExceptionally(
                    new ApiException(ErrorCode.UNAVAILABLE, why + " (nothing was counted)", failure));
            return;
        }
        Runnable release = () -> {
            try {
                switch (store.releaseClaps(action.post(), action.user(), action.reservation())) {
                    case RELEASED -> answer.completeExceptionally(
                            new ApiException(ErrorCode.UNAVAILABLE, why + " (nothing was counted)", failure));
                    case ALREADY_APPLIED -> answer.complete(ack);
                    case UNKNOWN -> answer.completeExceptionally(new ApiException(ErrorCode.UNAVAILABLE,
                            why + " (the store lost the reservation; the claps may still be counted)", failure));
                }
            } catch (RuntimeException storeFailure) {
                log.warn("Clap reservation {} of {} on {} could not be released; it may still be counted",
                        action.reservation(), action.user(), action.post(), storeFailure);
                answer.completeExceptionally(new ApiException(ErrorCode.UNAVAILABLE,
                        why + " (and the store could not release the reservation; the claps may still be counted)",
                        failure));
            }
        };
        try {
            executor.execute(release);
        } catch (RejectedExecutionException full) {
            // A pending reservation whose record may exist must not stay pending: release it here, on the
            // producer's thread, rather than leave the answer unsure.
            release.run();
        }
    }

    /** Runs {@code task} on the executor; its failure (or a full queue) fails {@code answer}. */
    private void run(CompletableFuture<?> answer, Runnable task) {
        try {
            executor.execute(() -> {
                try {
                    task.run();
                } catch (ApiException rejection) {
                    answer.completeExceptionally(rejection);
                } catch (CounterStoreUnavailableException unavailable) {
                    log.debug("Counter store unavailable", unavailable);
                    answer.completeExceptionally(new ApiException(ErrorCode.UNAVAILABLE,
                            "counters: the store does not answer (nothing was counted; retry later)", unavailable));
                } catch (RuntimeException bug) {
                    answer.completeExceptionally(bug);
                }
            });
        } catch (RejectedExecutionException full) {
            answer.completeExceptionally(new ApiException(ErrorCode.UNAVAILABLE,
                    "counter requests: too many waiting (expected: retry shortly)"));
        }
    }
}
