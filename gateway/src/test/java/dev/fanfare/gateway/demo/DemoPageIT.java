package dev.fanfare.gateway.demo;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fanfare.gateway.GatewayServer;
import dev.fanfare.gateway.config.GatewayConfig;
import dev.fanfare.gateway.testing.HeadlessChromium;
import dev.fanfare.gateway.testing.TestKafka;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.function.Predicate;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;

/**
 * The demo page in a real headless Chromium against a real gateway on a real Kafka broker: all five panels (short
 * poll, long poll, SSE, WebSocket, each through fanfare.js held to its style, and auto, which picks one) receive what
 * is published, a clap or like made in one panel shows in all of them, the console stays clean, and after a gateway
 * restart every panel comes back by itself without silent loss.
 *
 * <p>The page is opened with {@code ?posts=<a post of its own>} so claps made by other tests on the shared broker
 * never count here and the expected totals are exact.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DemoPageIT {

    private static final List<String> PANELS = List.of("poll", "longpoll", "sse", "ws", "auto");
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final Path SCREENSHOT = Path.of("target", "demo-page.png");

    private final String post = "it-" + UUID.randomUUID().toString().substring(0, 8);
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private GatewayServer gateway;
    private HeadlessChromium browser;
    private int port;

    private static GatewayConfig config(int port) {
        return GatewayConfig.defaults().withPort(port).withBootstrap(TestKafka.bootstrapServers()).withDemoFeed(false);
    }

    @BeforeAll
    void openThePage() throws Exception {
        gateway = GatewayServer.start(config(0));
        port = gateway.port();
        browser = new HeadlessChromium(1440, 900);
        browser.driver().get("http://127.0.0.1:" + port + "/?posts=" + post);
        awaitEveryPanel("is live", panel -> "live".equals(stat(panel, "state")));
    }

    @AfterAll
    void closeAll() {
        try {
            if (browser != null) {
                browser.close();
            }
        } finally {
            if (gateway != null) {
                gateway.close();
            }
        }
    }

    @Test
    @Order(1)
    void everyPanelShowsAPublishedTick() throws Exception {
        String symbol = "IT" + UUID.randomUUID().toString().substring(0, 6).toUpperCase();

        HttpResponse<String> published = post("/publish/ticker/" + symbol, quote(symbol, "123.45"));
        assertEquals(202, published.statusCode(), published::body);

        awaitEveryPanel("shows " + symbol + " at 123.45", panel -> "123.45".equals(tickerCell(panel, symbol)));
        for (String panel : PANELS) {
            assertEquals(123.45, ((Number) stat(panel, "tickers['" + symbol + "'].last")).doubleValue(), panel);
            assertTrue(((Number) stat(panel, "events")).longValue() >= 1, panel);
            assertTrue(((Number) stat(panel, "requests")).longValue() >= 1, panel);
            assertTrue(((Number) stat(panel, "bytes")).longValue() > 0, panel);
        }
        assertEquals(List.of(), browser.consoleErrors());
    }

    @Test
    @Order(1)
    void eachPanelUsesItsStyleAndTheAutoPanelPicksWebSocketWhereItWorks() {
        for (String panel : List.of("poll", "longpoll", "sse", "ws")) {
            assertEquals(panel, stat(panel, "style"), panel);
        }
        assertEquals("ws", stat("auto", "style"));
        assertEquals("ws", panelElement("auto").findElement(By.cssSelector("[data-field='style-now']")).getText());
        assertEquals(List.of(), browser.js("return window.fanfareStats.panels.auto.switchLog"), "no switch was needed");
    }

    @Test
    @Order(1)
    void fanfareJsIsServedAsJavaScriptFromItsOneCopyInClientsJs() throws Exception {
        HttpResponse<String> js = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/fanfare.js"))
                .GET().build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, js.statusCode());
        assertTrue(js.headers().firstValue("Content-Type").orElse("").startsWith("text/javascript"), js.headers()::toString);
        assertEquals(Files.readString(Path.of("..", "clients", "js", "fanfare.js")), js.body());
    }

    @Test
    @Order(2)
    void aClapInOnePanelRaisesTheCountInAllFour() throws Exception {
        click("poll", "clap");
        awaitEveryPanel("shows 1 clap on " + post, panel -> "1".equals(countCell(panel, "claps")));

        click("ws", "clap");
        awaitEveryPanel("shows 2 claps on " + post, panel -> "2".equals(countCell(panel, "claps")));

        for (String panel : PANELS) {
            assertEquals(2L, stat(panel, "posts['" + post + "'].claps"), panel);
        }
        assertEquals(1L, stat("poll", "actionsOk"));
        assertEquals(1L, stat("ws", "actionsOk"));
        browser.screenshot(SCREENSHOT);
        assertEquals(List.of(), browser.consoleErrors());
    }

    @Test
    @Order(3)
    void aLikeOverTheSocketShowsInAllFourAndUnlikeOverHttpTakesItBack() {
        click("ws", "like");
        awaitEveryPanel("shows 1 like on " + post, panel -> "1".equals(countCell(panel, "likes")));
        // The like belongs to this browser's user, so every panel's button now offers to unlike.
        awaitEveryPanel("offers to unlike", panel -> likeButton(panel).getText().contains("Liked"));

        click("sse", "like");
        awaitEveryPanel("shows 0 likes on " + post, panel -> "0".equals(countCell(panel, "likes")));
        assertEquals(List.of(), browser.consoleErrors());
    }

    @Test
    @Order(4)
    void afterARestartEveryPanelReconnectsAndLosesNothingSilently() throws Exception {
        String symbol = "RS" + UUID.randomUUID().toString().substring(0, 6).toUpperCase();
        Map<String, Long> gapsBefore = new HashMap<>();
        for (String panel : PANELS) {
            gapsBefore.put(panel, (Long) stat(panel, "gaps"));
        }

        gateway.close();
        awaitEveryPanel("notices the gateway is gone", panel -> "down".equals(stat(panel, "state")));
        // Two quotes land in Kafka while no gateway runs. A panel that resumes from its cursor gets both; one that
        // started over would get only the latest as a snapshot, and must then have shown a gap.
        produceDirectly(symbol, "10.00");
        produceDirectly(symbol, "11.00");
        gateway = GatewayServer.start(config(port));

        awaitEveryPanel("is back with both quotes, or flagged a gap", panel ->
                "live".equals(stat(panel, "state"))
                        && "11.00".equals(tickerCell(panel, symbol))
                        && (Long.valueOf(2).equals(stat(panel, "perChannel['ticker/" + symbol + "']"))
                        || (Long) stat(panel, "gaps") > gapsBefore.get(panel)));
        for (String panel : PANELS) {
            assertTrue((Long) stat(panel, "reconnects") >= 1, panel);
            if ((Long) stat(panel, "gaps") > gapsBefore.get(panel)) {
                assertTrue(panelElement(panel).findElement(By.cssSelector("[data-field='gap']")).isDisplayed(),
                        panel + " counted a gap but does not show the flag");
            }
        }
        // The restart itself logs refused connections; the page must not have thrown anything of its own.
        browser.consoleErrors();
        assertEquals(List.of(), browser.js("return window.fanfareStats.pageErrors"));
    }

    @Test
    @Order(5)
    void theSsePanelsRateSliderAtOnePerSecondMakesAFasterTickerArriveConflatedWithItsLatestQuote() throws Exception {
        String symbol = "RT" + UUID.randomUUID().toString().substring(0, 6).toUpperCase();
        WebElement slider = panelElement("sse").findElement(By.cssSelector("[data-field='rate']"));
        WebElement label = panelElement("sse").findElement(By.cssSelector("[data-field='rate-out']"));
        assertEquals("off", label.getText());
        long shownBefore = shownConflated("sse");
        long markedBefore = (Long) stat("sse", "conflatedEvents");

        slider.sendKeys(Keys.ARROW_RIGHT);
        assertEquals("1/s", label.getText());
        assertEquals(1L, stat("sse", "maxRate"));

        // Quotes as fast as the gateway takes them, until the SSE panel has had some replaced by a later one.
        int quotes = 0;
        while ((Long) stat("sse", "conflatedEvents") == markedBefore && quotes < 2_000) {
            HttpResponse<String> published = post("/publish/ticker/" + symbol, quote(symbol, "1" + quotes % 10 + ".00"));
            assertEquals(202, published.statusCode(), published::body);
            quotes++;
        }
        assertTrue((Long) stat("sse", "conflatedEvents") > markedBefore, "no ticker event came marked conflated");
        assertEquals(202, post("/publish/ticker/" + symbol, quote(symbol, "77.77")).statusCode());

        await("the SSE panel shows the latest quote").atMost(WAIT).until(() -> "77.77".equals(tickerCell("sse", symbol)));
        await("the SSE panel shows more conflated").atMost(WAIT).until(() -> shownConflated("sse") > shownBefore);
        assertTrue((Long) stat("sse", "perChannel['ticker/" + symbol + "']") <= quotes, "fewer quotes than published");
        await("the WebSocket panel, its slider off, shows the latest quote").atMost(WAIT)
                .until(() -> "77.77".equals(tickerCell("ws", symbol)));
        assertEquals(Long.valueOf(quotes + 1), stat("ws", "perChannel['ticker/" + symbol + "']"),
                "every quote, none replaced");
        assertEquals(List.of(), browser.consoleErrors());
        assertEquals(List.of(), browser.js("return window.fanfareStats.pageErrors"));
    }

    /** The conflated count a panel shows. */
    private long shownConflated(String panel) {
        return Long.parseLong(panelElement(panel).findElement(By.cssSelector("[data-stat='conflated']")).getText());
    }

    private HttpResponse<String> post(String path, String json) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json))
                .build();
        return http.send(request, HttpResponse.BodyHandlers.ofString());
    }

    private static String quote(String symbol, String last) {
        return "{\"symbol\":\"" + symbol + "\",\"last\":" + last + ",\"bid\":" + last + ",\"ask\":" + last
                + ",\"volume\":1,\"change\":0,\"changePct\":0}";
    }

    private void produceDirectly(String symbol, String last) throws Exception {
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, TestKafka.bootstrapServers());
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        try (KafkaProducer<String, byte[]> producer =
                     new KafkaProducer<>(props, new StringSerializer(), new ByteArraySerializer())) {
            producer.send(new ProducerRecord<>(gateway.config().kafka().topic("ticker"), symbol,
                    quote(symbol, last).getBytes(StandardCharsets.UTF_8))).get();
        }
    }

    /** A value from {@code window.fanfareStats.panels[panel]}: {@code path} is a JS property path. */
    private Object stat(String panel, String path) {
        return browser.js("const p = window.fanfareStats && window.fanfareStats.panels[arguments[0]];"
                + " if (!p) return null; try { return p." + path + "; } catch (e) { return null; }", panel);
    }

    private WebElement panelElement(String panel) {
        return browser.driver().findElement(By.cssSelector("[data-panel='" + panel + "']"));
    }

    private String tickerCell(String panel, String symbol) {
        List<WebElement> cells = panelElement(panel)
                .findElements(By.cssSelector("tr[data-symbol='" + symbol + "'] td:nth-child(2)"));
        return cells.isEmpty() ? null : cells.get(0).getText();
    }

    private String countCell(String panel, String kind) {
        return panelElement(panel)
                .findElement(By.cssSelector("tr[data-post='" + post + "'] [data-count='" + kind + "']")).getText();
    }

    private WebElement likeButton(String panel) {
        return panelElement(panel).findElement(By.cssSelector("tr[data-post='" + post + "'] [data-action='like']"));
    }

    private void click(String panel, String action) {
        panelElement(panel).findElement(By.cssSelector("tr[data-post='" + post + "'] [data-action='" + action + "']"))
                .click();
    }

    private void awaitEveryPanel(String what, Predicate<String> condition) {
        for (String panel : PANELS) {
            await(panel + " " + what).atMost(WAIT).until(() -> condition.test(panel));
        }
    }
}
