package dev.fanfare.client.it;

import dev.fanfare.client.network.NginxProxy;
import dev.fanfare.gateway.testing.HeadlessChromium;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * fanfare.js in a real headless Chromium against a real gateway, with the browser APIs taken away before the
 * module loads or a real nginx in the way: it uses the best style that works and carries its cursor across the
 * switch, so events 1..N published meanwhile (before, during and after it) arrive complete and in order.
 *
 * <p>Each test opens a fresh same-origin page ({@code /health}) so the module loads anew; one Chromium serves all.
 */
class FanfareJsIT {

    private static final Duration WAIT = Duration.ofSeconds(40);
    private static final int N = 10;
    private static final List<Long> ONE_TO_N = IntStream.rangeClosed(1, N).mapToObj(i -> (long) i).toList();

    private static GatewayFixture gateway;
    private static HeadlessChromium browser;

    @BeforeAll
    static void start() throws Exception {
        gateway = new GatewayFixture();
        browser = new HeadlessChromium(1024, 768);
    }

    @AfterAll
    static void stop() {
        try {
            browser.close();
        } finally {
            gateway.close();
        }
    }

    @Test
    void withoutWebSocketItUsesServerSentEventsAndLosesNothing() throws Exception {
        String channel = GatewayFixture.uniqueChannel("js-nows");
        assertEquals("sse", follow(gateway.url(), channel, List.of("WebSocket")));
        publishAcrossTheStart(channel);
        assertEquals("sse", style());
        assertEquals(List.of(), switches());
    }

    @Test
    void withoutWebSocketAndEventSourceItLongPollsAndLosesNothing() throws Exception {
        String channel = GatewayFixture.uniqueChannel("js-noes");
        assertEquals("longpoll", follow(gateway.url(), channel, List.of("WebSocket", "EventSource")));
        publishAcrossTheStart(channel);
        assertEquals("longpoll", style());
    }

    @Test
    void whenAProxyRefusesWebSocketUpgradesItFallsBackToServerSentEventsFromItsCursor() throws Exception {
        try (NginxProxy nginx = NginxProxy.start(gatewaySocket(), NginxProxy.Mode.NO_UPGRADE)) {
            String channel = GatewayFixture.uniqueChannel("js-noupgrade");
            assertEquals("ws", follow(nginx.url(), channel, List.of()));
            publishAcrossTheStart(channel);
            assertEquals("sse", style());
            assertEquals(List.of("ws->sse"), switches());
        }
    }

    @Test
    void whenABufferingProxyHoldsTheStreamBackItFallsBackToLongPollingFromItsCursor() throws Exception {
        try (NginxProxy nginx = NginxProxy.start(gatewaySocket(), NginxProxy.Mode.BUFFERING)) {
            String channel = GatewayFixture.uniqueChannel("js-buffered");
            assertEquals("sse", follow(nginx.url(), channel, List.of("WebSocket")));
            publishAcrossTheStart(channel);
            assertEquals("longpoll", style());
            assertEquals(List.of("sse->longpoll"), switches());
        }
    }

    @Test
    void aNewRateOnALiveWebSocketTakesEffectOnTheSameSocketAndLosesAndRepeatsNothing() throws Exception {
        String channel = GatewayFixture.uniqueChannel("js-rate-ws");
        assertEquals("ws", follow(gateway.url(), channel, List.of()));
        changeTheRateWhilePublishing(channel);
        assertEquals(1L, browser.js("return window.ff.client.stats.requests"), "one upgrade: the same socket throughout");
    }

    @Test
    void aNewRateOnALiveEventStreamTakesEffectAndLosesAndRepeatsNothing() throws Exception {
        String channel = GatewayFixture.uniqueChannel("js-rate-sse");
        assertEquals("sse", follow(gateway.url(), channel, List.of("WebSocket")));
        changeTheRateWhilePublishing(channel);
    }

    /**
     * Events 1..3 at no limit; then 1/s while events come faster, until some arrive conflated, and a last one; then no
     * limit again and three more. Every event arrives once, in order, or is replaced by a later one that says so.
     */
    private static void changeTheRateWhilePublishing(String channel) throws Exception {
        await("the client is live").atMost(WAIT).until(() -> Boolean.TRUE.equals(browser.js(
                "const s = window.ff.states; return s.length > 0 && s[s.length - 1].state === 'live';")));
        int n = 0;
        while (n < 3) {
            gateway.publish(channel, "{\"n\":" + ++n + "}");
        }
        awaitLast(n);

        browser.js("window.ff.sub.setMaxRate(1)");
        while (subStat("conflated") == 0 && n < 2_000) {
            gateway.publish(channel, "{\"n\":" + ++n + "}");
        }
        assertTrue(subStat("conflated") > 0, "no event came marked conflated at 1/s");
        gateway.publish(channel, "{\"n\":" + ++n + "}");
        awaitLast(n);
        assertEveryEventOnceOrReplaced(n);

        browser.js("window.ff.sub.setMaxRate(0)");
        for (int i = 0; i < 3; i++) {
            gateway.publish(channel, "{\"n\":" + ++n + "}");
        }
        awaitLast(n);
        assertEveryEventOnceOrReplaced(n);
        assertEquals(0L, subStat("duplicates"));
        assertEquals(List.of(), browser.js("return window.ff.gaps"));
        assertEquals(0L, browser.js("return window.ff.client.stats.reconnects"), "a new rate is no reconnect");
    }

    private static void awaitLast(long n) {
        await("event " + n).atMost(WAIT).until(() -> {
            List<Long> got = events(); // one snapshot: the page's list may grow between two reads
            return !got.isEmpty() && got.get(got.size() - 1) == n;
        });
    }

    /** Events 1..n: each one received, in order, or counted among those a received one replaced. */
    private static void assertEveryEventOnceOrReplaced(long n) {
        List<Long> got = events();
        for (int i = 1; i < got.size(); i++) {
            assertTrue(got.get(i) > got.get(i - 1), "in order, none twice: " + got);
        }
        assertEquals(n, got.size() + subStat("replaced"), "received or replaced: " + got);
    }

    private static long subStat(String name) {
        return (Long) browser.js("return window.ff.sub.stats[arguments[0]]", name);
    }

    private static InetSocketAddress gatewaySocket() {
        return new InetSocketAddress("127.0.0.1", Integer.parseInt(gateway.url().substring(gateway.url().lastIndexOf(':') + 1)));
    }

    /**
     * Opens a page of {@code origin}, removes {@code missing} APIs, loads fanfare.js and subscribes to
     * {@code channel} from its live cursor; returns the style the client starts with.
     */
    private static String follow(String origin, String channel, List<String> missing) throws Exception {
        String cursor = gateway.liveCursor(channel);
        browser.driver().get(origin + "/health");
        Object style = browser.driver().executeAsyncScript(
                "const [missing, channel, cursor, done] = arguments;"
                        + "missing.forEach((api) => { delete window[api]; window[api] = undefined; });"
                        + "window.ff = { events: [], states: [], gaps: [] };"
                        + "import('/fanfare.js').then(({ connect }) => {"
                        + "  const client = connect('', { stallTimeoutMs: 2000, backoffInitialMs: 100 });"
                        + "  window.ff.client = client;"
                        + "  window.ff.sub = client.subscribe([channel], {"
                        + "    onEvent: (e) => window.ff.events.push(e.data.n),"
                        + "    onGap: (g) => window.ff.gaps.push(g),"
                        + "    onState: (s) => window.ff.states.push(s),"
                        + "  }, { cursor });"
                        + "  done(client.style);"
                        + "}, (e) => done('import failed: ' + e));",
                missing, channel, cursor);
        return String.valueOf(style);
    }

    /** Half the events before the client is live (while it tries, fails, switches), half after. */
    private static void publishAcrossTheStart(String channel) throws Exception {
        for (int n = 1; n <= N / 2; n++) {
            gateway.publish(channel, "{\"n\":" + n + "}");
        }
        await("the client is live").atMost(WAIT).until(() -> Boolean.TRUE.equals(browser.js(
                "const s = window.ff.states; return s.length > 0 && s[s.length - 1].state === 'live';")));
        for (int n = N / 2 + 1; n <= N; n++) {
            gateway.publish(channel, "{\"n\":" + n + "}");
        }
        await("events 1.." + N).atMost(WAIT).until(() -> events().size() >= N);
        assertEquals(ONE_TO_N, events(), "every event once, in order, across the switch");
        assertEquals(List.of(), browser.js("return window.ff.gaps"));
        assertTrue((Long) browser.js("return window.ff.client.stats.requests") >= 1);
    }

    @SuppressWarnings("unchecked")
    private static List<Long> events() {
        return (List<Long>) browser.js("return window.ff.events");
    }

    private static String style() {
        return (String) browser.js("return window.ff.client.style");
    }

    @SuppressWarnings("unchecked")
    private static List<String> switches() {
        List<Map<String, Object>> states = (List<Map<String, Object>>) browser.js(
                "return window.ff.states.filter((s) => s.from)");
        return states.stream().map(s -> s.get("from") + "->" + s.get("style")).toList();
    }
}
