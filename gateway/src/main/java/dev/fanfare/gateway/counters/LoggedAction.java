package dev.fanfare.gateway.counters;

/** An action together with its offset in its partition of the actions topic. */
public record LoggedAction(long offset, CounterAction action) {
}
