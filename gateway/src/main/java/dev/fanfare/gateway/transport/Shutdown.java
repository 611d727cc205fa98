package dev.fanfare.gateway.transport;

/** User event fired on every open connection when the gateway stops: say goodbye in your protocol. */
public enum Shutdown {
    INSTANCE
}
