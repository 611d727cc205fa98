package dev.fanfare.gateway.transport;

import io.netty.handler.codec.http.HttpMethod;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Every path the gateway answers and the methods each takes: the one route table. A path is
 * exact ({@code /poll}) or a prefix ({@code /claps/}, matched by {@code startsWith}); each
 * method of a path may have its own handler.
 */
public final class Routes {

    /** Answers one request. */
    @FunctionalInterface
    public interface Handler {
        void handle(Request request);
    }

    /**
     * One path and what answers it.
     *
     * @param expected how a 405 names the methods that fit, e.g. {@code "PUT to like, DELETE to unlike"}
     */
    public record Route(String path, boolean prefix, Map<HttpMethod, Handler> handlers, String expected) {
        boolean matches(String p) {
            return prefix ? p.startsWith(path) : p.equals(path);
        }

        /** The {@code Allow} header of a 405. */
        String allow() {
            return handlers.keySet().stream().map(HttpMethod::name).sorted().collect(Collectors.joining(", "));
        }
    }

    private final List<Route> routes;

    private Routes(List<Route> routes) {
        this.routes = List.copyOf(routes);
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The route of {@code path}, or null when none answers it. */
    public Route find(String path) {
        for (Route r : routes) {
            if (r.matches(path)) {
                return r;
            }
        }
        return null;
    }

    /** Whether {@code method} on {@code path} reaches a handler. */
    public boolean allows(String method, String path) {
        Route r = find(path);
        return r != null && r.handlers().containsKey(HttpMethod.valueOf(method));
    }

    /** The paths, for a 404's message. */
    public List<String> paths() {
        return routes.stream().map(r -> r.prefix() ? r.path() + "..." : r.path()).toList();
    }

    /** Builds the table in order; the first matching path wins. */
    public static final class Builder {
        private final List<Route> routes = new ArrayList<>();

        /** {@code GET path}, exactly that path. */
        public Builder get(String path, Handler h) {
            return route(path, false, "GET", Map.of(HttpMethod.GET, h));
        }

        /** {@code POST prefix...}. */
        public Builder post(String prefix, Handler h) {
            return route(prefix, true, "POST", Map.of(HttpMethod.POST, h));
        }

        public Builder route(String path, boolean prefix, String expected, Map<HttpMethod, Handler> handlers) {
            routes.add(new Route(path, prefix, Map.copyOf(handlers), expected));
            return this;
        }

        /** The table; every path also answers {@code OPTIONS} (a CORS preflight, {@link Cors#preflight}). */
        public Routes build() {
            List<Route> withPreflight = new ArrayList<>();
            for (Route r : routes) {
                Map<HttpMethod, Handler> handlers = new HashMap<>(r.handlers());
                String allow = Stream.concat(r.handlers().keySet().stream(), Stream.of(HttpMethod.OPTIONS))
                        .map(HttpMethod::name).sorted().collect(Collectors.joining(", "));
                handlers.put(HttpMethod.OPTIONS, request -> Cors.preflight(request, allow));
                withPreflight.add(new Route(r.path(), r.prefix(), Map.copyOf(handlers), r.expected()));
            }
            return new Routes(withPreflight);
        }
    }
}
