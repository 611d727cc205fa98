package dev.fanfare.gateway.config;

import dev.fanfare.gateway.core.ViewerCounts;
import dev.fanfare.gateway.core.DeliveryPolicy;
import dev.fanfare.gateway.auth.AllowedOrigins;
import dev.fanfare.gateway.core.RingLimits;
import dev.fanfare.gateway.counters.CountersConfig;
import dev.fanfare.gateway.limits.AddressBlocks;
import dev.fanfare.gateway.limits.ClientLimits;
import dev.fanfare.gateway.limits.Rate;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * Everything a gateway node is started with, as immutable sections, each with its defaults in
 * one place ({@code DEFAULTS}). Derive a variant by section: {@code defaults().withHttp(h ->
 * h.withMaxBodyBytes(1024))}.
 *
 * @param server    where and how the node listens
 * @param kafka     the event log: embedded broker or an external cluster, the streams and topics
 * @param http      limits of HTTP requests and of each connection's outbound buffer
 * @param longPoll  long-poll timeouts
 * @param sse       Server-Sent Events
 * @param webSocket WebSocket
 * @param rings     memory for recent events
 * @param delivery  what happens to subscribers that cannot keep up, by stream (lossless or conflate)
 * @param counters  claps and likes (its topic prefix and partitions follow {@code kafka}'s at start)
 * @param demoFeed  run the demo feed in-process
 * @param auth      who may do what: tokens, public streams, allowed origins
 * @param limits    how much one client may do: connections and rates per address and per user
 */
public record GatewayConfig(Server server, Kafka kafka, Http http, LongPoll longPoll, Sse sse, WebSocket webSocket,
                            RingLimits rings, DeliveryPolicy delivery, CountersConfig counters, boolean demoFeed, Auth auth,
                            Limits limits) {

    public static final GatewayConfig DEFAULTS = new GatewayConfig(Server.DEFAULTS, Kafka.DEFAULTS, Http.DEFAULTS,
            LongPoll.DEFAULTS, Sse.DEFAULTS, WebSocket.DEFAULTS, RingLimits.DEFAULT, DeliveryPolicy.DEFAULT,
            CountersConfig.defaults(), true, Auth.DEFAULTS, Limits.DEFAULTS);

    public GatewayConfig {
        Check.require(webSocket.maxChannelsPerConnection() >= http.maxChannelsPerRequest(), "maxChannelsPerConnection",
                webSocket.maxChannelsPerConnection(), ">= maxChannelsPerRequest (" + http.maxChannelsPerRequest() + ")");
        Check.require(kafka.streams().containsAll(auth.publicStreams()), "publicStreams", auth.publicStreams(),
                "streams this node serves (" + String.join(",", kafka.streams()) + ")");
    }

    /** The embedded default: port 8080, in-process Kafka under {@code .fanfare/}, demo feed on. */
    public static GatewayConfig defaults() {
        return DEFAULTS;
    }

    /**
     * Where and how the node listens.
     *
     * @param ioThreads      event loops; 0: Netty's default, two per core
     * @param transport      Netty I/O transport (a native one falls back to the next available)
     * @param maxConnections client connections the node takes; 0: derived from the process's file
     *                       limit, less a reserve for Kafka, Redis and the embedded broker
     */
    /**
     * The listening socket.
     *
     * @param sendBufferBytes each client socket's kernel send buffer (SO_SNDBUF, as nginx's
     *                        {@code listen ... sndbuf=}); 0: the kernel sizes it (autotuning, up to
     *                        net.ipv4.tcp_wmem's maximum). A slow client is behind only once this and
     *                        the connection's own queue ({@link Http#highWaterMark}) are full.
     */
    public record Server(String host, int port, int ioThreads, Transport transport, int maxConnections,
                         int sendBufferBytes) {
        public static final Server DEFAULTS = new Server("0.0.0.0", 8080, 0, Transport.EPOLL, 0, 0);

        public Server {
            Check.require(port >= 0 && port <= 65535, "port", port, "0..65535");
            Check.require(ioThreads >= 0, "ioThreads", ioThreads, ">= 0 (0: two per core)");
            Check.require(maxConnections >= 0, "maxConnections", maxConnections, ">= 0 (0: from the file limit)");
            Check.require(sendBufferBytes >= 0, "sendBufferBytes", sendBufferBytes, ">= 0 (0: the kernel's)");
        }

        public Server withHost(String v) { return new Server(v, port, ioThreads, transport, maxConnections, sendBufferBytes); }
        public Server withPort(int v) { return new Server(host, v, ioThreads, transport, maxConnections, sendBufferBytes); }
        public Server withIoThreads(int v) { return new Server(host, port, v, transport, maxConnections, sendBufferBytes); }
        public Server withTransport(Transport v) { return new Server(host, port, ioThreads, v, maxConnections, sendBufferBytes); }
        public Server withMaxConnections(int v) { return new Server(host, port, ioThreads, transport, v, sendBufferBytes); }
        public Server withSendBuffer(int v) { return new Server(host, port, ioThreads, transport, maxConnections, v); }
    }

    /**
     * The event log.
     *
     * @param bootstrap     bootstrap servers of an external cluster, or null to run an embedded broker
     * @param dataDir       where the embedded broker keeps its data
     * @param streams       the streams served, one topic each
     * @param topicPrefix   a stream {@code s} is the topic {@code topicPrefix + s}
     * @param partitions    partitions of topics the gateway creates
     * @param createTopics  create missing stream topics (always on with the embedded broker)
     * @param warmupRecords per partition, how many of the latest records a starting node reads into its rings
     * @param maxIngestLag  records the node may be behind on a partition before {@code /health} says so
     */
    public record Kafka(String bootstrap, Path dataDir, List<String> streams,
                        String topicPrefix, int partitions, boolean createTopics, int warmupRecords,
                        long maxIngestLag) {
        public static final List<String> DEFAULT_STREAMS = List.of("ticker", "claps", "likes", "demo");
        public static final Kafka DEFAULTS = new Kafka(null, Path.of(".fanfare"), DEFAULT_STREAMS,
                "fanfare.", 4, true, 1000, 100_000);

        public Kafka {
            Check.require(!streams.isEmpty(), "streams", streams, "at least one");
            streams = withViewers(streams);
            Check.require(partitions >= 1, "partitions", partitions, ">= 1");
            Check.require(warmupRecords >= 0, "warmupRecords", warmupRecords, ">= 0");
            Check.require(maxIngestLag >= 1, "maxIngestLag", maxIngestLag, ">= 1");
        }

        /** The streams and the viewers stream, which every node serves (last, unless named). */
        private static List<String> withViewers(List<String> streams) {
            if (streams.contains(ViewerCounts.STREAM)) {
                return List.copyOf(streams);
            }
            List<String> all = new java.util.ArrayList<>(streams);
            all.add(ViewerCounts.STREAM);
            return List.copyOf(all);
        }

        public boolean embedded() {
            return bootstrap == null || bootstrap.isBlank();
        }

        public String topic(String stream) {
            return topicPrefix + stream;
        }

        public Kafka withBootstrap(String v) { return new Kafka(v, dataDir, streams, topicPrefix, partitions, createTopics, warmupRecords, maxIngestLag); }
        public Kafka withDataDir(Path v) { return new Kafka(bootstrap, v, streams, topicPrefix, partitions, createTopics, warmupRecords, maxIngestLag); }
        public Kafka withStreams(List<String> v) { return new Kafka(bootstrap, dataDir, v, topicPrefix, partitions, createTopics, warmupRecords, maxIngestLag); }
        public Kafka withTopicPrefix(String v) { return new Kafka(bootstrap, dataDir, streams, v, partitions, createTopics, warmupRecords, maxIngestLag); }
        public Kafka withPartitions(int v) { return new Kafka(bootstrap, dataDir, streams, topicPrefix, v, createTopics, warmupRecords, maxIngestLag); }
        public Kafka withCreateTopics(boolean v) { return new Kafka(bootstrap, dataDir, streams, topicPrefix, partitions, v, warmupRecords, maxIngestLag); }
        public Kafka withWarmupRecords(int v) { return new Kafka(bootstrap, dataDir, streams, topicPrefix, partitions, createTopics, v, maxIngestLag); }
    }

    /**
     * Limits of HTTP requests and of each connection's outbound buffer.
     *
     * @param maxBodyBytes          largest HTTP body or WebSocket message accepted
     * @param maxChannelsPerRequest channels one request (or one WebSocket subscribe) may name
     * @param highWaterMark         outbound bytes queued on one connection before it counts as too slow
     * @param lowWaterMark          outbound bytes below which a connection is writable again
     * @param requestTimeout        from a request's first byte to the whole request (head and body) received
     * @param idleTimeout           a plain HTTP connection with no request for this long is closed
     */
    public record Http(int maxInitialLineBytes, int maxHeaderBytes, int maxBodyBytes, int maxChannelsPerRequest,
                       int highWaterMark, int lowWaterMark, Duration requestTimeout, Duration idleTimeout) {
        public static final Http DEFAULTS = new Http(4096, 8192, 64 * 1024, 32, 256 * 1024, 128 * 1024,
                Duration.ofSeconds(10), Duration.ofSeconds(75));

        public Http {
            Check.require(maxBodyBytes >= 1024, "maxBodyBytes", maxBodyBytes, ">= 1024");
            Check.require(maxChannelsPerRequest >= 1, "maxChannelsPerRequest", maxChannelsPerRequest, ">= 1");
            Check.require(lowWaterMark > 0 && highWaterMark > lowWaterMark, "highWaterMark", highWaterMark, "> lowWaterMark > 0");
            Check.require(requestTimeout.toMillis() > 0, "requestTimeout", requestTimeout, "> 0");
            Check.require(idleTimeout.toMillis() > 0, "idleTimeout", idleTimeout, "> 0");
        }

        public Http withMaxBodyBytes(int v) { return new Http(maxInitialLineBytes, maxHeaderBytes, v, maxChannelsPerRequest, highWaterMark, lowWaterMark, requestTimeout, idleTimeout); }
        public Http withWaterMarks(int low, int high) { return new Http(maxInitialLineBytes, maxHeaderBytes, maxBodyBytes, maxChannelsPerRequest, high, low, requestTimeout, idleTimeout); }
        public Http withTimeouts(Duration request, Duration idle) { return new Http(maxInitialLineBytes, maxHeaderBytes, maxBodyBytes, maxChannelsPerRequest, highWaterMark, lowWaterMark, request, idle); }
    }

    /**
     * Long-poll timeouts: a client's wish above {@code max} is capped, not refused.
     *
     * @param defaultTimeout when the request names none
     */
    public record LongPoll(Duration defaultTimeout, Duration max) {
        public static final LongPoll DEFAULTS = new LongPoll(Duration.ofSeconds(25), Duration.ofSeconds(60));

        public LongPoll {
            Check.require(!max.isNegative() && defaultTimeout.compareTo(max) <= 0, "longPoll.defaultTimeout", defaultTimeout,
                    "<= max (" + max + ")");
        }

    }

    /** @param heartbeat a comment goes out when nothing else did for this long */
    public record Sse(Duration heartbeat) {
        public static final Sse DEFAULTS = new Sse(Duration.ofSeconds(15));

        public Sse {
            Check.require(heartbeat.toMillis() > 0, "sse.heartbeat", heartbeat, "> 0");
        }
    }

    /**
     * @param pingInterval a ping goes out after this long without anything read
     * @param idleTimeout  closed ({@code no_pong}) after this long without anything read
     * @param maxChannelsPerConnection channels one WebSocket may be subscribed to
     */
    public record WebSocket(Duration pingInterval, Duration idleTimeout, int maxChannelsPerConnection) {
        public static final WebSocket DEFAULTS = new WebSocket(Duration.ofSeconds(20),
                Duration.ofSeconds(60), 256);

        public WebSocket {
            Check.require(pingInterval.toMillis() > 0 && idleTimeout.compareTo(pingInterval) >= 0, "webSocket.idleTimeout",
                    idleTimeout, ">= pingInterval (" + pingInterval + ") > 0");
            Check.require(maxChannelsPerConnection >= 1, "webSocket.maxChannelsPerConnection", maxChannelsPerConnection, ">= 1");
        }

        public WebSocket withMaxChannelsPerConnection(int v) { return new WebSocket(pingInterval, idleTimeout, v); }
    }

    /**
     * Who may do what. Without a key nothing is checked: anybody subscribes, publishes, claps and
     * likes as anyone (the embedded default; the node says so at start). At most one key: the
     * algorithm follows from it (HS256 for a secret; RS256 or ES256 for an RSA or EC P-256 public
     * key, in a PEM file or a JWK set), never from a token.
     *
     * @param jwtSecret      HS256: the shared secret, at least 32 bytes; null: none
     * @param jwtPublicKey   RS256 or ES256: a PEM file with the public key; null: none
     * @param jwks           RS256 or ES256: a JWK set file, a token names its key by {@code kid}; null: none
     * @param issuer         when set, a token's {@code iss} must be this
     * @param audience       when set, a token's {@code aud} must name this
     * @param clockSkew      how far the issuer's clock may be from this node's, for {@code exp} and {@code nbf}
     * @param publicStreams  streams anybody may subscribe to without a token (never publish)
     * @param allowedOrigins browser origins that may call the node: {@code self} (the origin its
     *                       Host names), {@code localhost} (any port), {@code *} (any), or exact
     *                       origins such as {@code https://app.example.com}
     */
    public record Auth(String jwtSecret, Path jwtPublicKey, Path jwks, String issuer, String audience,
                       Duration clockSkew, List<String> publicStreams, List<String> allowedOrigins) {
        /** Readable without a token when a key is set: what the demo page shows. */
        public static final List<String> DEFAULT_PUBLIC_STREAMS = List.of("ticker", "claps", "likes");
        public static final Duration DEFAULT_CLOCK_SKEW = Duration.ofSeconds(30);
        public static final Auth DEFAULTS = new Auth(null, null, null, null, null, DEFAULT_CLOCK_SKEW,
                DEFAULT_PUBLIC_STREAMS, List.of(AllowedOrigins.SELF, AllowedOrigins.LOCALHOST));

        public Auth {
            jwtSecret = blankToNull(jwtSecret);
            jwtPublicKey = jwtPublicKey == null || jwtPublicKey.toString().isBlank() ? null : jwtPublicKey;
            jwks = jwks == null || jwks.toString().isBlank() ? null : jwks;
            issuer = blankToNull(issuer);
            audience = blankToNull(audience);
            publicStreams = List.copyOf(publicStreams);
            allowedOrigins = List.copyOf(allowedOrigins);
            List<String> keys = new ArrayList<>();
            if (jwtSecret != null) {
                keys.add("--jwt-secret");
            }
            if (jwtPublicKey != null) {
                keys.add("--jwt-public-key");
            }
            if (jwks != null) {
                keys.add("--jwks");
            }
            if (keys.size() > 1) {
                throw new IllegalArgumentException("keys: " + String.join(" and ", keys) + " (expected: at most one of"
                        + " --jwt-secret, --jwt-public-key and --jwks, or their FANFARE_ variables)");
            }
            Check.require(!clockSkew.isNegative() && clockSkew.compareTo(Duration.ofMinutes(5)) <= 0, "auth.clockSkew",
                    clockSkew, "0 to 5 minutes");
            AllowedOrigins.parse(allowedOrigins); // a malformed entry fails here, with its reason
        }

        /** Whether tokens are checked. */
        public boolean enabled() {
            return jwtSecret != null || jwtPublicKey != null || jwks != null;
        }

        public Auth withJwtSecret(String v) { return new Auth(v, jwtPublicKey, jwks, issuer, audience, clockSkew, publicStreams, allowedOrigins); }
        public Auth withJwtPublicKey(Path v) { return new Auth(jwtSecret, v, jwks, issuer, audience, clockSkew, publicStreams, allowedOrigins); }
        public Auth withJwks(Path v) { return new Auth(jwtSecret, jwtPublicKey, v, issuer, audience, clockSkew, publicStreams, allowedOrigins); }
        public Auth withIssuer(String v) { return new Auth(jwtSecret, jwtPublicKey, jwks, v, audience, clockSkew, publicStreams, allowedOrigins); }
        public Auth withAudience(String v) { return new Auth(jwtSecret, jwtPublicKey, jwks, issuer, v, clockSkew, publicStreams, allowedOrigins); }
        public Auth withClockSkew(Duration v) { return new Auth(jwtSecret, jwtPublicKey, jwks, issuer, audience, v, publicStreams, allowedOrigins); }
        public Auth withPublicStreams(List<String> v) { return new Auth(jwtSecret, jwtPublicKey, jwks, issuer, audience, clockSkew, v, allowedOrigins); }
        public Auth withAllowedOrigins(List<String> v) { return new Auth(jwtSecret, jwtPublicKey, jwks, issuer, audience, clockSkew, publicStreams, v); }

        /** Never the secret: a configuration may be logged. */
        @Override
        public String toString() {
            return "Auth[jwtSecret=" + (jwtSecret == null ? null : "(" + jwtSecret.length() + " characters)")
                    + ", jwtPublicKey=" + jwtPublicKey + ", jwks=" + jwks + ", issuer=" + issuer + ", audience=" + audience
                    + ", clockSkew=" + clockSkew + ", publicStreams=" + publicStreams + ", allowedOrigins=" + allowedOrigins + "]";
        }

        private static String blankToNull(String s) {
            return s == null || s.isBlank() ? null : s;
        }
    }

    /**
     * How much one client may do. Addresses in {@code exempt} (by default the machine itself: load
     * tests and tools) are limited by nothing here.
     *
     * @param connectionsPerAddress client connections from one address (IPv6: one /64); 0: no limit
     * @param publishes             publishes per user (a token's subject) and per address
     * @param counts                claps, likes and unlikes per user and per address
     * @param webSocketMessages     messages one WebSocket may send
     * @param refusalsBeforeClose   WebSocket messages refused for rate in a row before the connection
     *                              is closed (1008 {@code rate_limited})
     * @param trustedProxies        peers whose {@code X-Forwarded-For} names the client
     * @param exempt                addresses no limit applies to
     */
    public record Limits(int connectionsPerAddress, ClientLimits.Pair publishes, ClientLimits.Pair counts,
                         Rate webSocketMessages, int refusalsBeforeClose, List<String> trustedProxies,
                         List<String> exempt) {
        public static final List<String> LOOPBACK = List.of("127.0.0.0/8", "::1");
        public static final Limits DEFAULTS = new Limits(256,
                new ClientLimits.Pair(Rate.perSecond(20), Rate.perSecond(50)),
                new ClientLimits.Pair(Rate.perSecond(10), Rate.perSecond(50)),
                Rate.perSecond(50), 20, List.of(), LOOPBACK);
        /** No limit at all, for tests and benchmarks that mean to go fast. */
        public static final Limits OFF = new Limits(0, ClientLimits.Pair.OFF, ClientLimits.Pair.OFF, Rate.OFF, 20,
                List.of(), List.of());

        public Limits {
            trustedProxies = List.copyOf(trustedProxies);
            exempt = List.copyOf(exempt);
            Check.require(connectionsPerAddress >= 0, "limits.connectionsPerAddress", connectionsPerAddress, ">= 0 (0: no limit)");
            Check.require(refusalsBeforeClose >= 1, "limits.refusalsBeforeClose", refusalsBeforeClose, ">= 1");
            AddressBlocks.parse(trustedProxies);
            AddressBlocks.parse(exempt);
        }

        public Limits withConnectionsPerAddress(int v) { return new Limits(v, publishes, counts, webSocketMessages, refusalsBeforeClose, trustedProxies, exempt); }
        public Limits withPublishes(ClientLimits.Pair v) { return new Limits(connectionsPerAddress, v, counts, webSocketMessages, refusalsBeforeClose, trustedProxies, exempt); }
        public Limits withCounts(ClientLimits.Pair v) { return new Limits(connectionsPerAddress, publishes, v, webSocketMessages, refusalsBeforeClose, trustedProxies, exempt); }
        public Limits withWebSocketMessages(Rate v) { return new Limits(connectionsPerAddress, publishes, counts, v, refusalsBeforeClose, trustedProxies, exempt); }
        public Limits withRefusalsBeforeClose(int v) { return new Limits(connectionsPerAddress, publishes, counts, webSocketMessages, v, trustedProxies, exempt); }
        public Limits withTrustedProxies(List<String> v) { return new Limits(connectionsPerAddress, publishes, counts, webSocketMessages, refusalsBeforeClose, v, exempt); }
        public Limits withExempt(List<String> v) { return new Limits(connectionsPerAddress, publishes, counts, webSocketMessages, refusalsBeforeClose, trustedProxies, v); }
    }

    /**
     * The sections' one check, apart from this class: a section made first (the token command makes
     * {@code Auth} alone) must not start this class's initialization, whose defaults need that section.
     */
    private static final class Check {
        static void require(boolean ok, String name, Object value, String expected) {
            if (!ok) {
                throw new IllegalArgumentException(name + ": " + value + " (expected: " + expected + ")");
            }
        }
    }

    public GatewayConfig withServer(UnaryOperator<Server> change) {
        return new GatewayConfig(change.apply(server), kafka, http, longPoll, sse, webSocket, rings, delivery, counters, demoFeed, auth, limits);
    }

    public GatewayConfig withKafka(UnaryOperator<Kafka> change) {
        return new GatewayConfig(server, change.apply(kafka), http, longPoll, sse, webSocket, rings, delivery, counters, demoFeed, auth, limits);
    }

    public GatewayConfig withHttp(UnaryOperator<Http> change) {
        return new GatewayConfig(server, kafka, change.apply(http), longPoll, sse, webSocket, rings, delivery, counters, demoFeed, auth, limits);
    }

    public GatewayConfig withLongPoll(LongPoll v) {
        return new GatewayConfig(server, kafka, http, v, sse, webSocket, rings, delivery, counters, demoFeed, auth, limits);
    }

    public GatewayConfig withRings(RingLimits v) {
        return new GatewayConfig(server, kafka, http, longPoll, sse, webSocket, v, delivery, counters, demoFeed, auth, limits);
    }

    public GatewayConfig withDelivery(DeliveryPolicy v) {
        return new GatewayConfig(server, kafka, http, longPoll, sse, webSocket, rings, v, counters, demoFeed, auth, limits);
    }

    public GatewayConfig withCounters(UnaryOperator<CountersConfig> change) {
        return new GatewayConfig(server, kafka, http, longPoll, sse, webSocket, rings, delivery, change.apply(counters), demoFeed, auth, limits);
    }

    public GatewayConfig withWebSocket(UnaryOperator<WebSocket> change) {
        return new GatewayConfig(server, kafka, http, longPoll, sse, change.apply(webSocket), rings, delivery, counters, demoFeed, auth, limits);
    }

    public GatewayConfig withAuth(UnaryOperator<Auth> change) {
        return new GatewayConfig(server, kafka, http, longPoll, sse, webSocket, rings, delivery, counters, demoFeed, change.apply(auth), limits);
    }

    public GatewayConfig withLimits(UnaryOperator<Limits> change) {
        return new GatewayConfig(server, kafka, http, longPoll, sse, webSocket, rings, delivery, counters, demoFeed, auth, change.apply(limits));
    }

    public GatewayConfig withDemoFeed(boolean v) {
        return new GatewayConfig(server, kafka, http, longPoll, sse, webSocket, rings, delivery, counters, v, auth, limits);
    }

    /** Shorthands for what tests and launchers change most. */
    public GatewayConfig withPort(int port) {
        return withServer(s -> s.withPort(port));
    }

    public GatewayConfig withBootstrap(String bootstrap) {
        return withKafka(k -> k.withBootstrap(bootstrap));
    }
}
