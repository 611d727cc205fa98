package dev.fanfare.gateway.kafka;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

import org.junit.jupiter.api.Test;

import dev.fanfare.gateway.testing.TestKafka;
import io.netty.channel.DefaultEventLoop;
import io.netty.channel.EventLoop;

class TopicAdminIT {
    private final String prefix = TestKafka.uniqueTopicPrefix();

    @Test
    void createsMissingTopicsAndReportsTheirIdsAndPartitions() {
        String ticker = prefix + "ticker";
        String claps = prefix + "claps";

        Map<String, TopicMeta> created = TestKafka.admin().ensureTopics(List.of(ticker, claps), 3, true);

        assertEquals(List.of(ticker, claps), List.copyOf(created.keySet()));
        assertEquals(3, created.get(ticker).partitions());
        assertNotEquals(created.get(ticker).topicId(), created.get(claps).topicId());
        assertEquals(created, TestKafka.admin().ensureTopics(List.of(ticker, claps), 3, false));
    }

    @Test
    void refusesMissingTopicsWhenCreationIsOffAndNamesThem() {
        String present = prefix + "present";
        String absent = prefix + "absent";
        TestKafka.createTopic(present, 1);

        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> TestKafka.admin().ensureTopics(List.of(present, absent), 1, false));

        assertTrue(e.getMessage().contains(absent), e.getMessage());
        assertFalse(e.getMessage().contains(present), e.getMessage());
    }

    @Test
    void keepsThePartitionCountOfAnExistingTopic() {
        String topic = prefix + "likes";
        TestKafka.createTopic(topic, 2);

        assertEquals(2, TestKafka.admin().ensureTopics(List.of(topic), 4, true).get(topic).partitions());
    }

    @Test
    void nodesCreatingTheSameTopicAtOnceAgreeOnIt() throws Exception {
        String topic = prefix + "demo";
        try (TopicAdmin first = new TopicAdmin(TestKafka.bootstrapServers());
             TopicAdmin second = new TopicAdmin(TestKafka.bootstrapServers())) {
            CompletableFuture<TopicMeta> a = CompletableFuture.supplyAsync(() -> first.ensureTopics(List.of(topic), 2, true).get(topic));
            CompletableFuture<TopicMeta> b = CompletableFuture.supplyAsync(() -> second.ensureTopics(List.of(topic), 2, true).get(topic));

            assertEquals(a.get(), b.get());
        }
    }

    @Test
    void whyNotWritableTellsWhetherTheClusterAnswers() throws Exception {
        assertNull(TestKafka.admin().whyNotWritable(Duration.ofSeconds(10)));

        int closedPort;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = socket.getLocalPort();
        }
        try (TopicAdmin nowhere = new TopicAdmin("127.0.0.1:" + closedPort)) {
            assertEquals("unreachable", nowhere.whyNotWritable(Duration.ofMillis(500)));
        }
    }

    @Test
    void refusesToBlockAnEventLoop() throws Exception {
        EventLoop eventLoop = new DefaultEventLoop();
        try {
            ExecutionException e = assertThrows(ExecutionException.class,
                    () -> eventLoop.submit(() -> TestKafka.admin().whyNotWritable(Duration.ofSeconds(1))).get());
            assertTrue(e.getCause() instanceof IllegalStateException, e.getCause().toString());
        } finally {
            eventLoop.shutdownGracefully(0, 0, java.util.concurrent.TimeUnit.SECONDS).syncUninterruptibly();
        }
    }
}
