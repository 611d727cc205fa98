package dev.fanfare.gateway;

import dev.fanfare.gateway.auth.TokenKeys;
import dev.fanfare.gateway.config.GatewayConfig;
import dev.fanfare.gateway.config.Transport;
import dev.fanfare.gateway.core.DeliveryPolicy;
import dev.fanfare.gateway.core.RingLimits;
import dev.fanfare.gateway.logging.JsonLogging;
import java.util.Set;
import dev.fanfare.gateway.counters.CountersConfig;
import dev.fanfare.gateway.limits.ClientLimits;
import dev.fanfare.gateway.limits.Rate;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code fanfare run}: starts one gateway node. Every option can also come from the environment. */
@Command(name = "fanfare run", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Runs a Fanfare gateway node. Without --kafka it starts a real Kafka broker in-process.")
public final class Main implements Callable<Integer> {

    @Option(names = "--port", defaultValue = "${env:FANFARE_PORT:-8080}", description = "HTTP port (env FANFARE_PORT; default ${DEFAULT-VALUE})")
    int port;

    @Option(names = "--host", defaultValue = "${env:FANFARE_HOST:-0.0.0.0}", description = "address to listen on (env FANFARE_HOST; default ${DEFAULT-VALUE})")
    String host;

    @Option(names = "--kafka", defaultValue = "${env:FANFARE_KAFKA}", paramLabel = "host:port[,..]",
            description = "external Kafka bootstrap servers; none: run an embedded broker (env FANFARE_KAFKA)")
    String kafka;

    @Option(names = "--data-dir", defaultValue = "${env:FANFARE_DATA_DIR:-.fanfare}", description = "embedded broker data (env FANFARE_DATA_DIR; default ${DEFAULT-VALUE})")
    Path dataDir;

    @Option(names = "--redis", defaultValue = "${env:FANFARE_REDIS}", paramLabel = "redis://host:port",
            description = "Redis for shared counters; none: counters in memory, one node only (env FANFARE_REDIS)")
    String redis;

    @Option(names = "--streams", split = ",", defaultValue = "${env:FANFARE_STREAMS:-ticker,claps,likes,demo}",
            description = "streams served, one Kafka topic each (env FANFARE_STREAMS; default ${DEFAULT-VALUE})")
    List<String> streams;

    @Option(names = "--topic-prefix", defaultValue = "${env:FANFARE_TOPIC_PREFIX:-fanfare.}", description = "topic of stream s is <prefix>s (env FANFARE_TOPIC_PREFIX; default ${DEFAULT-VALUE})")
    String topicPrefix;

    @Option(names = "--partitions", defaultValue = "${env:FANFARE_PARTITIONS:-4}", description = "partitions of topics the gateway creates (env FANFARE_PARTITIONS; default ${DEFAULT-VALUE})")
    int partitions;

    @Option(names = "--create-topics", defaultValue = "${env:FANFARE_CREATE_TOPICS:-false}", description = "create missing topics on an external cluster (env FANFARE_CREATE_TOPICS)")
    boolean createTopics;

    @Option(names = "--ring-mb", defaultValue = "${env:FANFARE_RING_MB:-64}", description = "memory for recent events, all channels (env FANFARE_RING_MB; default ${DEFAULT-VALUE})")
    int ringMb;

    @Option(names = "--longpoll-max-timeout", defaultValue = "${env:FANFARE_LONGPOLL_MAX_TIMEOUT:-60}", description = "seconds (env FANFARE_LONGPOLL_MAX_TIMEOUT; default ${DEFAULT-VALUE})")
    int longPollMaxSeconds;

    @Option(names = "--io-threads", defaultValue = "${env:FANFARE_IO_THREADS:-0}", description = "event loops; 0: two per core, Netty's default (env FANFARE_IO_THREADS)")
    int ioThreads;

    @Option(names = "--max-connections", defaultValue = "${env:FANFARE_MAX_CONNECTIONS:-0}",
            description = "client connections this node takes; 0: its file limit less a reserve (env FANFARE_MAX_CONNECTIONS)")
    int maxConnections;

    @Option(names = "--transport", defaultValue = "${env:FANFARE_TRANSPORT:-EPOLL}",
            description = "I/O transport: ${COMPLETION-CANDIDATES} (env FANFARE_TRANSPORT; default ${DEFAULT-VALUE}; falls back to NIO)")
    Transport transport;

    @Option(names = "--conflate", split = ",", defaultValue = "${env:FANFARE_CONFLATE:-ticker,claps,likes}",
            description = "streams whose slow subscribers get only the latest event of each channel instead of being "
                    + "disconnected; 'none' for none (env FANFARE_CONFLATE; default ${DEFAULT-VALUE})")
    List<String> conflate;

    @Option(names = "--client-buffer-kb", defaultValue = "${env:FANFARE_CLIENT_BUFFER_KB:-256}",
            description = "outbound KiB queued for one client before it counts as slow: then a conflating stream keeps"
                    + " only the latest event per channel for it, a lossless one disconnects it (slow_consumer)"
                    + " (env FANFARE_CLIENT_BUFFER_KB; default ${DEFAULT-VALUE})")
    int clientBufferKb;

    @Option(names = "--socket-send-buffer-kb", defaultValue = "${env:FANFARE_SOCKET_SEND_BUFFER_KB:-0}",
            description = "each client socket's kernel send buffer (SO_SNDBUF); 0: the kernel sizes it"
                    + " (env FANFARE_SOCKET_SEND_BUFFER_KB; default ${DEFAULT-VALUE})")
    int socketSendBufferKb;

    @Option(names = "--log-format", defaultValue = "${env:FANFARE_LOG_FORMAT:-text}",
            description = "text or json: one JSON object per line (env FANFARE_LOG_FORMAT; default ${DEFAULT-VALUE})")
    String logFormat;
    @Option(names = "--ws-max-channels", defaultValue = "${env:FANFARE_WS_MAX_CHANNELS:-256}",
            description = "channels one WebSocket may be subscribed to (env FANFARE_WS_MAX_CHANNELS; default ${DEFAULT-VALUE})")
    int wsMaxChannels;

    @Mixin
    AuthOptions auth;

    @Option(names = "--public-streams", split = ",", defaultValue = "${env:FANFARE_PUBLIC_STREAMS:-ticker,claps,likes}",
            paramLabel = "STREAM", description = "with a key: streams anybody may subscribe to without a token; 'none' for"
                    + " none (env FANFARE_PUBLIC_STREAMS; default ${DEFAULT-VALUE}, those this node serves)")
    List<String> publicStreams;

    @Option(names = "--allowed-origins", split = ",", defaultValue = "${env:FANFARE_ALLOWED_ORIGINS:-self,localhost}",
            paramLabel = "ORIGIN", description = "browser origins that may call the node: self, localhost, * or"
                    + " https://host[:port] (env FANFARE_ALLOWED_ORIGINS; default ${DEFAULT-VALUE})")
    List<String> allowedOrigins;

    @Option(names = "--trusted-proxies", split = ",", defaultValue = "${env:FANFARE_TRUSTED_PROXIES:-}", paramLabel = "CIDR",
            description = "proxies whose X-Forwarded-For names the client (env FANFARE_TRUSTED_PROXIES; default none)")
    List<String> trustedProxies;

    @Option(names = "--exempt-addresses", split = ",", defaultValue = "${env:FANFARE_EXEMPT_ADDRESSES:-127.0.0.0/8,::1}",
            paramLabel = "CIDR", description = "client addresses no per-client limit applies to (env"
                    + " FANFARE_EXEMPT_ADDRESSES; default ${DEFAULT-VALUE}: this machine)")
    List<String> exemptAddresses;

    @Option(names = "--max-connections-per-ip", defaultValue = "${env:FANFARE_MAX_CONNECTIONS_PER_IP:-256}",
            description = "connections from one client address (IPv6: one /64); 0: no limit (env FANFARE_MAX_CONNECTIONS_PER_IP; default ${DEFAULT-VALUE})")
    int maxConnectionsPerIp;

    @Option(names = "--publish-rate", defaultValue = "${env:FANFARE_PUBLISH_RATE:-20}", paramLabel = "N[:BURST]",
            description = "publishes per second per user; 0: no limit (env FANFARE_PUBLISH_RATE; default ${DEFAULT-VALUE}, bursts of 2N)")
    String publishRate;

    @Option(names = "--publish-rate-per-ip", defaultValue = "${env:FANFARE_PUBLISH_RATE_PER_IP:-50}", paramLabel = "N[:BURST]",
            description = "publishes per second per client address (env FANFARE_PUBLISH_RATE_PER_IP; default ${DEFAULT-VALUE})")
    String publishRatePerIp;

    @Option(names = "--clap-rate", defaultValue = "${env:FANFARE_CLAP_RATE:-10}", paramLabel = "N[:BURST]",
            description = "claps, likes and unlikes per second per user (env FANFARE_CLAP_RATE; default ${DEFAULT-VALUE})")
    String clapRate;

    @Option(names = "--clap-rate-per-ip", defaultValue = "${env:FANFARE_CLAP_RATE_PER_IP:-50}", paramLabel = "N[:BURST]",
            description = "claps, likes and unlikes per second per client address (env FANFARE_CLAP_RATE_PER_IP; default ${DEFAULT-VALUE})")
    String clapRatePerIp;

    @Option(names = "--ws-message-rate", defaultValue = "${env:FANFARE_WS_MESSAGE_RATE:-50}", paramLabel = "N[:BURST]",
            description = "messages per second one WebSocket may send (env FANFARE_WS_MESSAGE_RATE; default ${DEFAULT-VALUE})")
    String wsMessageRate;

    @Option(names = "--ws-refusals-before-close", defaultValue = "${env:FANFARE_WS_REFUSALS_BEFORE_CLOSE:-20}",
            description = "WebSocket messages refused for rate in a row before the connection is closed (1008)"
                    + " (env FANFARE_WS_REFUSALS_BEFORE_CLOSE; default ${DEFAULT-VALUE})")
    int wsRefusalsBeforeClose;

    @Option(names = "--request-timeout", defaultValue = "${env:FANFARE_REQUEST_TIMEOUT:-10}", paramLabel = "SECONDS",
            description = "a request's head and body must arrive within this of its first byte, else 408 and close"
                    + " (slow headers) (env FANFARE_REQUEST_TIMEOUT; default ${DEFAULT-VALUE})")
    int requestTimeoutSeconds;

    @Option(names = "--idle-timeout", defaultValue = "${env:FANFARE_IDLE_TIMEOUT:-75}", paramLabel = "SECONDS",
            description = "a keep-alive connection with no request for this long is closed (env FANFARE_IDLE_TIMEOUT;"
                    + " default ${DEFAULT-VALUE})")
    int idleTimeoutSeconds;

    @Option(names = "--no-demo-feed", negatable = true, defaultValue = "${env:FANFARE_DEMO_FEED:-true}",
            description = "run the demo feed (ticker, claps, likes) in-process (env FANFARE_DEMO_FEED; default on)")
    boolean demoFeed;

    @Spec
    CommandSpec spec;

    /** The options as a configuration; a malformed one fails here, with its reason. */
    GatewayConfig config() {
        return GatewayConfig.defaults()
                .withAuth(a -> a.withPublicStreams(List.of())) // set below with the rest, once the streams are
                .withServer(s -> s.withHost(host).withPort(port).withIoThreads(ioThreads).withTransport(transport)
                        .withMaxConnections(maxConnections).withSendBuffer(socketSendBufferKb * 1024))
                .withKafka(k -> k.withBootstrap(kafka).withDataDir(dataDir).withStreams(streams)
                        .withTopicPrefix(topicPrefix).withPartitions(partitions).withCreateTopics(createTopics))
                .withHttp(h -> h.withWaterMarks(clientBufferKb * 512, clientBufferKb * 1024))
                .withRings(new RingLimits((long) ringMb << 20, RingLimits.DEFAULT.maxEvents(),
                        RingLimits.DEFAULT.perChannel(), RingLimits.DEFAULT.maxChannels()))
                .withLongPoll(new GatewayConfig.LongPoll(Duration.ofSeconds(Math.min(
                        GatewayConfig.LongPoll.DEFAULTS.defaultTimeout().toSeconds(), longPollMaxSeconds)),
                        Duration.ofSeconds(longPollMaxSeconds)))
                .withDelivery(new DeliveryPolicy(conflate.contains("none") ? Set.of() : Set.copyOf(conflate),
                        DeliveryPolicy.DEFAULT.maxHeldPerSubscriber()))
                .withCounters(c -> c.withRedis(CountersConfig.parseRedis(redis)))
                .withWebSocket(w -> w.withMaxChannelsPerConnection(wsMaxChannels))
                .withHttp(h -> h.withTimeouts(Duration.ofSeconds(requestTimeoutSeconds), Duration.ofSeconds(idleTimeoutSeconds)))
                .withAuth(a -> auth.applyTo(a).withPublicStreams(publicStreams()).withAllowedOrigins(given(allowedOrigins)))
                .withLimits(l -> l.withConnectionsPerAddress(maxConnectionsPerIp)
                        .withPublishes(new ClientLimits.Pair(Rate.parse(publishRate), Rate.parse(publishRatePerIp)))
                        .withCounts(new ClientLimits.Pair(Rate.parse(clapRate), Rate.parse(clapRatePerIp)))
                        .withWebSocketMessages(Rate.parse(wsMessageRate)).withRefusalsBeforeClose(wsRefusalsBeforeClose)
                        .withTrustedProxies(given(trustedProxies)).withExempt(given(exemptAddresses)))
                .withDemoFeed(demoFeed);
    }

    /**
     * The public streams: as given ('none': none); the default, only those of them this node serves
     * (a stream named on purpose must be served: a typo would open nothing, silently).
     */
    private List<String> publicStreams() {
        List<String> given = given(publicStreams);
        if (given.equals(List.of("none"))) {
            return List.of();
        }
        return given.equals(GatewayConfig.Auth.DEFAULT_PUBLIC_STREAMS)
                ? given.stream().filter(given(streams)::contains).toList() : given;
    }

    /** A list option without its blank entries (an empty default is one). */
    private static List<String> given(List<String> values) {
        return values == null ? List.of() : values.stream().map(String::strip).filter(v -> !v.isEmpty()).toList();
    }

    @Override
    public Integer call() throws Exception {
        GatewayConfig config;
        try {
            switch (logFormat) {
                case "json" -> JsonLogging.select();
                case "text" -> { }
                default -> throw new IllegalArgumentException("log-format: '" + logFormat + "' (expected: text or json)");
            }
            config = config();
            if (config.auth().enabled()) {
                TokenKeys.of(config.auth()); // a key that cannot work stops the start here, with its reason
            }
        } catch (IllegalArgumentException bad) {
            throw new CommandLine.ParameterException(spec.commandLine(), bad.getMessage(), bad);
        }
        GatewayServer server = GatewayServer.start(config);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            server.close();
            stopped.countDown();
        }, "fanfare-shutdown"));
        int p = server.port();
        // One write: the log (standard error) often goes to the same file, and a log line landing inside the
        // banner's "Demo page" line hid the port from whoever reads it there (Cluster's readiness check).
        System.out.print(String.format("%nFanfare is up.%n  Demo page:  http://localhost:%d/%n"
                + "  Try:        curl -N 'http://localhost:%d/sse?channel=ticker/*'%n"
                + "  Publish:    curl -X POST -H 'Content-Type: application/json' -d '{\"hello\":1}' http://localhost:%d/publish/demo/hello%n"
                + "  Kafka:      %s%n%s%n%n", p, p, p, server.bootstrapServers(), config.auth().enabled()
                ? "  Tokens:     required; make one with ./fanfare token --sub you --subscribe 'demo/*' --publish 'demo/*'"
                        + " (same key options), send it as Authorization: Bearer <token>"
                : "  Tokens:     not checked (no --jwt-secret, --jwt-public-key or --jwks): anybody may do anything;"
                        + " see docs/SECURITY.md"));
        System.out.flush();
        stopped.await();
        return 0;
    }

    public static void main(String[] args) {
        int code;
        try {
            code = new CommandLine(new Main()).setCaseInsensitiveEnumValuesAllowed(true).execute(args);
        } catch (Throwable t) {
            // Whatever went wrong, exit: threads a failed start left behind must not hold the JVM.
            t.printStackTrace();
            code = 1;
        }
        System.exit(code);
    }
}
