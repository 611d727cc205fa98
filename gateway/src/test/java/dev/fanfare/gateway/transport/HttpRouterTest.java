package dev.fanfare.gateway.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fanfare.gateway.config.GatewayConfig;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class HttpRouterTest {

    private static void assertError(String response, String status, String code) {
        assertTrue(response.startsWith("HTTP/1.1 " + status), response);
        assertTrue(response.contains("content-type: application/json"), response);
        assertTrue(response.contains("{\"error\":\"" + code + "\",\"message\":\""), response);
        assertTrue(!response.contains("at dev.fanfare") && !response.contains("Exception"), "no stack trace: " + response);
    }

    @Test
    void unknownPathIsA404WithJsonReason() {
        try (EmbeddedGateway g = new EmbeddedGateway()) {
            g.a.request("GET /nope HTTP/1.1\r\nHost: x\r\n\r\n");
            assertError(g.a.output(), "404", "not_found");
        }
    }

    @Test
    void wrongMethodIsA405() {
        try (EmbeddedGateway g = new EmbeddedGateway()) {
            g.a.request("POST /poll?channel=ticker/A HTTP/1.1\r\nHost: x\r\ncontent-length: 0\r\n\r\n");
            assertError(g.a.output(), "405", "method_not_allowed");
        }
    }

    @Test
    void badChannelsAndCursorsAre400s() {
        try (EmbeddedGateway g = new EmbeddedGateway()) {
            g.a.request("GET /poll HTTP/1.1\r\nHost: x\r\n\r\n");
            assertError(g.a.output(), "400", "missing_channel");
            g.a.request("GET /poll?channel=ticker HTTP/1.1\r\nHost: x\r\n\r\n");
            assertError(g.a.output(), "400", "bad_channel");
            g.a.request("GET /poll?channel=ticker/A%20B HTTP/1.1\r\nHost: x\r\n\r\n");
            assertError(g.a.output(), "400", "bad_channel");
            g.a.request("GET /poll?channel=ticker/A&cursor=AAAAAAAAAA HTTP/1.1\r\nHost: x\r\n\r\n");
            assertError(g.a.output(), "400", "bad_cursor");
            g.a.request("GET /poll?channel=ticker/A&limit=0 HTTP/1.1\r\nHost: x\r\n\r\n");
            assertError(g.a.output(), "400", "bad_parameter");
            g.a.request("GET /poll?" + "channel=ticker/A&".repeat(33) + " HTTP/1.1\r\nHost: x\r\n\r\n");
            assertError(g.a.output(), "400", "too_many_channels");
        }
    }

    @Test
    void overlongUriIsA414AndOversizedHeadersA431() {
        try (EmbeddedGateway g = new EmbeddedGateway()) {
            g.a.request("GET /poll?channel=" + "x".repeat(5000) + " HTTP/1.1\r\nHost: x\r\n\r\n");
            assertError(g.a.output(), "414", "uri_too_long");
        }
        try (EmbeddedGateway g = new EmbeddedGateway()) {
            g.a.request("GET /poll?channel=ticker/A HTTP/1.1\r\nHost: x\r\nx-big: " + "y".repeat(9000) + "\r\n\r\n");
            assertError(g.a.output(), "431", "headers_too_large");
        }
    }

    @Test
    void bodyOverTheLimitIsA413() {
        GatewayConfig c = GatewayConfig.defaults().withHttp(h -> h.withMaxBodyBytes(1024));
        try (EmbeddedGateway g = new EmbeddedGateway(c)) {
            g.a.request("POST /publish/demo/x HTTP/1.1\r\nHost: x\r\ncontent-length: 2000\r\n\r\n" + "z".repeat(2000));
            assertError(g.a.output(), "413", "too_large");
        }
    }

    @Test
    void publishingToAWildcardOrWithoutBodyIsA400BeforeKafkaIsAsked() {
        try (EmbeddedGateway g = new EmbeddedGateway()) {
            g.a.request("POST /publish/demo/* HTTP/1.1\r\nHost: x\r\ncontent-length: 1\r\n\r\n1");
            assertError(g.a.output(), "400", "bad_channel");
            g.a.request("POST /publish/demo/x HTTP/1.1\r\nHost: x\r\ncontent-length: 0\r\n\r\n");
            assertError(g.a.output(), "400", "missing_body");
            g.a.request("POST /publish/demo/x HTTP/1.1\r\nHost: x\r\ncontent-type: application/json\r\ncontent-length: 5\r\n\r\n{\"a\":");
            assertError(g.a.output(), "400", "bad_json");
        }
    }

    @Test
    void pollAnswersSnapshotsThenEventsAfterTheCursor() {
        try (EmbeddedGateway g = new EmbeddedGateway()) {
            g.publish("ticker", "A", "1");
            g.publish("ticker", "A", "2");
            g.a.request("GET /poll?channel=ticker/A HTTP/1.1\r\nHost: x\r\n\r\n");
            String first = g.a.output();
            assertTrue(first.contains("{\"events\":[{\"channel\":\"ticker/A\""), first);
            assertTrue(first.contains("\"data\":2,\"snapshot\":true}],\"cursor\":\""), first);
            String cursor = first.substring(first.indexOf("],\"cursor\":\"") + 12);
            cursor = cursor.substring(0, cursor.indexOf('"'));
            g.publish("ticker", "A", "3");
            g.a.request("GET /poll?channel=ticker/A&cursor=" + cursor + " HTTP/1.1\r\nHost: x\r\n\r\n");
            String next = g.a.output();
            assertTrue(next.contains("\"data\":3}],\"cursor\":\"") && !next.contains("\"data\":2"), next);
            assertTrue(next.contains("\"gap\":false"), next);
        }
    }

    @Test
    void longPollParksUntilAnEventThenAnswers() {
        try (EmbeddedGateway g = new EmbeddedGateway()) {
            g.a.request("GET /longpoll?channel=ticker/A HTTP/1.1\r\nHost: x\r\n\r\n");
            assertTrue(g.a.output().isEmpty(), "nothing retained: the request parks");
            g.publish("ticker", "A", "{\"v\":7}");
            String out = g.a.output();
            assertTrue(out.startsWith("HTTP/1.1 200 OK"), out);
            assertTrue(out.contains("\"data\":{\"v\":7}}],\"cursor\":\""), out);
        }
    }

    @Test
    void aRateLimitedLongPollAnswersOneEventOfAChannelEvenWhenOneArrivesAfterItsIntervalButBeforeItsAnswer()
            throws InterruptedException {
        try (EmbeddedGateway g = new EmbeddedGateway()) {
            g.a.channel.freezeTime(); // the answer's timer runs only when the test lets it
            g.a.request("GET /poll?channel=ticker/A HTTP/1.1\r\nHost: x\r\n\r\n");
            String start = cursorOf(g.a.output());
            g.publish("ticker", "A", "1");
            g.a.request("GET /longpoll?channel=ticker/A&max_rate=1&cursor=" + start + " HTTP/1.1\r\nHost: x\r\n\r\n");
            String first = g.a.output();
            assertTrue(first.contains("\"data\":1}"), first);
            g.a.request("GET /longpoll?channel=ticker/A&max_rate=1&cursor=" + cursorOf(first) + " HTTP/1.1\r\nHost: x\r\n\r\n");
            g.publish("ticker", "A", "2"); // within the second after 1: held, the answer set for when the interval ends
            assertEquals("", g.a.output());
            Thread.sleep(1100); // the interval is over; the answer's timer has not run
            g.publish("ticker", "A", "3");
            g.a.channel.advanceTimeBy(1, TimeUnit.SECONDS);
            g.a.channel.runScheduledPendingTasks();
            String answer = g.a.output();
            assertTrue(answer.contains("\"data\":3,\"conflated\":1}") && !answer.contains("\"data\":2"),
                    "the latest of the channel, replacing the one held: " + answer);
        }
    }

    @Test
    void closingAParkedLongPollLeavesTheHub() {
        try (EmbeddedGateway g = new EmbeddedGateway()) {
            g.a.request("GET /longpoll?channel=ticker/A HTTP/1.1\r\nHost: x\r\n\r\n");
            assertTrue(g.hub.shard(g.a.channel.eventLoop()).subscribers() == 1);
            g.a.channel.close();
            g.a.channel.runPendingTasks();
            assertTrue(g.hub.shard(g.a.channel.eventLoop()).subscribers() == 0);
        }
    }

    @Test
    void longPollAnswersAtMostLimitEventsAndSaysMoreRemain() {
        try (EmbeddedGateway g = new EmbeddedGateway()) {
            g.a.request("GET /poll?channel=ticker/A HTTP/1.1\r\nHost: x\r\n\r\n");
            String start = cursorOf(g.a.output());
            for (int i = 1; i <= 5; i++) {
                g.publish("ticker", "A", Integer.toString(i));
            }
            g.a.request("GET /longpoll?channel=ticker/A&limit=2&cursor=" + start + " HTTP/1.1\r\nHost: x\r\n\r\n");
            String first = g.a.output();
            assertTrue(first.contains("\"data\":1}") && first.contains("\"data\":2}") && !first.contains("\"data\":3"), first);
            assertTrue(first.contains("\"more\":true"), first);
            g.a.request("GET /longpoll?channel=ticker/A&limit=2&cursor=" + cursorOf(first) + " HTTP/1.1\r\nHost: x\r\n\r\n");
            String second = g.a.output();
            assertTrue(second.contains("\"data\":3}") && second.contains("\"data\":4}") && !second.contains("\"data\":5"), second);
            g.a.request("GET /longpoll?channel=ticker/A&limit=2&cursor=" + cursorOf(second) + " HTTP/1.1\r\nHost: x\r\n\r\n");
            String last = g.a.output();
            assertTrue(last.contains("\"data\":5}") && !last.contains("\"more\""), last);
        }
    }

    @Test
    void aParkedLongPollThatFillsItsLimitFromOneBatchSaysMoreRemain() {
        try (EmbeddedGateway g = new EmbeddedGateway()) {
            g.a.request("GET /longpoll?channel=ticker/*&limit=1 HTTP/1.1\r\nHost: x\r\n\r\n");
            assertTrue(g.a.output().isEmpty(), "parked");
            g.publishBatch("ticker", List.of("A", "B"), "7");
            String out = g.a.output();
            assertTrue(out.contains("\"more\":true") && out.split("\"data\":7").length == 2, out);
            g.a.request("GET /longpoll?channel=ticker/*&cursor=" + cursorOf(out) + " HTTP/1.1\r\nHost: x\r\n\r\n");
            String rest = g.a.output();
            assertTrue(rest.split("\"data\":7").length == 2 && !rest.contains("\"more\""), rest);
        }
    }

    @Test
    void anEndpointThatFailsIsA500WithAJsonReasonAndTheConnectionCloses() {
        var failing = new dev.fanfare.gateway.testing.LocalCounters(50) {
            @Override
            public synchronized java.util.concurrent.CompletionStage<dev.fanfare.gateway.core.CounterAck> clap(
                    String post, String user, long count) {
                throw new IllegalStateException("a bug in the counters");
            }
        };
        try (EmbeddedGateway g = new EmbeddedGateway(GatewayConfig.defaults(), failing)) {
            g.a.request("POST /claps/p HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\ncontent-length: 13\r\n\r\n{\"user\":\"u1\"}");
            String out = g.a.output();
            assertError(out, "500", "internal");
            assertTrue(!out.contains("a bug in the counters"), "the cause is logged, not sent: " + out);
            assertTrue(!g.a.channel.isActive(), "closed after a 500");
        }
    }

    /** Found by HttpRouterFuzzTest: the empty Content-Length beside a good one made Netty's aggregator throw (a 500). */
    @Test
    void anEmptyContentLengthBesideExpectContinueIsA400NotA500() {
        try (EmbeddedGateway g = new EmbeddedGateway()) {
            g.a.request("GET /poll HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Length: \r\nContent-Length: 2\r\n\r\nab");
            assertError(g.a.output(), "400", "bad_request");
        }
    }

    /** Found by HttpRouterFuzzTest: a client gone in the middle of a body was a WARN with a stack trace, one per client. */
    @Test
    void aClientThatGoesAwayInTheMiddleOfABodyIsNoWarning() {
        java.io.PrintStream err = System.err;
        java.io.ByteArrayOutputStream captured = new java.io.ByteArrayOutputStream();
        try (EmbeddedGateway g = new EmbeddedGateway()) {
            System.setErr(new java.io.PrintStream(captured, true, java.nio.charset.StandardCharsets.UTF_8));
            g.a.request("POST /publish/demo/x HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\nonly part of it");
            g.a.channel.close();
            g.a.channel.runPendingTasks();
        } finally {
            System.setErr(err);
        }
        String log = captured.toString(java.nio.charset.StandardCharsets.UTF_8);
        assertTrue(!log.contains("WARN") && !log.contains("PrematureChannelClosureException"), log);
    }

    private static String cursorOf(String answer) {
        String c = answer.substring(answer.lastIndexOf("],\"cursor\":\"") + 12);
        return c.substring(0, c.indexOf('"'));
    }
}
