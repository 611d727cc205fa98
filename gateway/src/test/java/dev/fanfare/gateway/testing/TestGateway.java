package dev.fanfare.gateway.testing;

import static org.awaitility.Awaitility.await;

import dev.fanfare.gateway.GatewayServer;
import dev.fanfare.gateway.config.GatewayConfig;
import dev.fanfare.gateway.core.Cursors;
import java.time.Duration;

/** Gateways for integration tests: on the shared test broker, their own topics, a free port. */
public final class TestGateway {

    private TestGateway() {
    }

    /**
     * A config on {@link TestKafka}'s broker with topics of its own (2 partitions each), port 0
     * on 127.0.0.1 and no demo feed; adjust it and {@link GatewayServer#start} it.
     */
    public static GatewayConfig config() {
        return GatewayConfig.defaults()
                .withServer(s -> s.withHost("127.0.0.1").withPort(0))
                .withKafka(k -> k.withBootstrap(TestKafka.bootstrapServers()).withCreateTopics(true)
                        .withTopicPrefix(TestKafka.uniqueTopicPrefix()).withPartitions(2))
                .withDemoFeed(false);
    }

    /** Waits until {@code server} has read the event behind {@code cursor} (a cursor it issued) from Kafka. */
    public static void awaitIngested(GatewayServer server, String cursor) {
        long[] wanted = server.hub().cursors().decode(cursor);
        await().atMost(Duration.ofSeconds(15)).until(() -> Cursors.covers(server.hub().live(), wanted));
    }
}
