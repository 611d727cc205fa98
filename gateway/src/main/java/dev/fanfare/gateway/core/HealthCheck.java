package dev.fanfare.gateway.core;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;

/** One part of a node that {@code /health} reports on. */
public interface HealthCheck {

    /** What a check found: up, or down with why. */
    record Status(boolean up, String detail) {
        public static final Status UP = new Status(true, "up");

        public static Status down(String detail) {
            return new Status(false, detail);
        }
    }

    /** The name {@code /health} reports the status under, e.g. {@code kafka}. */
    String name();

    /** True when this part being down makes the node unhealthy (503); false when it only degrades it. */
    boolean critical();

    /** The status now; never blocks the caller (an event loop) and never fails: a failure is a down status. */
    CompletionStage<Status> check();

    /** A check whose status is known locally, at once (no round trip). */
    static HealthCheck of(String name, boolean critical, Supplier<Status> now) {
        return new HealthCheck() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public boolean critical() {
                return critical;
            }

            @Override
            public CompletionStage<Status> check() {
                return CompletableFuture.completedFuture(now.get());
            }
        };
    }
}
