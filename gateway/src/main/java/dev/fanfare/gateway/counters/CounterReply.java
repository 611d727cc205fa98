package dev.fanfare.gateway.counters;

/**
 * An HTTP answer to a counter request: the status and its JSON body (UTF-8), ready to write with
 * {@code Content-Type: application/json}.
 */
public record CounterReply(int status, byte[] body) {
}
