package dev.fanfare.gateway.config;

/** The Netty I/O transport: native ones where the platform has them, NIO everywhere. */
public enum Transport {
    /** io_uring when available, else epoll, else NIO. */
    AUTO,
    IO_URING,
    EPOLL,
    NIO
}
