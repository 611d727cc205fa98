package dev.fanfare.gateway.core;

import com.fasterxml.jackson.databind.ObjectMapper;

/** The gateway's one Jackson mapper, default-configured and thread-safe. */
public final class Json {
    public static final ObjectMapper MAPPER = new ObjectMapper();

    private Json() {
    }
}
