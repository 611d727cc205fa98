package dev.fanfare.gateway.transport;

import dev.fanfare.gateway.core.ChannelName;
import dev.fanfare.gateway.core.ViewerCount;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.stream.Collectors;

/**
 * {@code GET /viewers?channel=C[&channel=C2..]}: how many watch each channel now, over every node:
 * {@code {"viewers":[{"channel":..,"viewers":N,"styles":{"sse":..,"ws":..,"longpoll":..,"poll":..}},..]}}.
 * The same rights as subscribing to the channels; 503 while the store cannot be read.
 */
public final class ViewersEndpoint {

    public static final String PATH = "/viewers";

    private final GatewayServices services;

    public ViewersEndpoint(GatewayServices services) {
        this.services = services;
    }

    public void handle(Request r) {
        List<ChannelName> channels = services.params().channels(r.query());
        r.caller().principal().requireSubscribe(channels);
        r.then(services.viewers().counts(channels), counts -> r.answer(HttpResponses.json(HttpResponseStatus.OK,
                Unpooled.copiedBuffer(counts.stream().map(ViewerCount::json)
                        .collect(Collectors.joining(",", "{\"viewers\":[", "]}")), StandardCharsets.UTF_8))));
    }
}
