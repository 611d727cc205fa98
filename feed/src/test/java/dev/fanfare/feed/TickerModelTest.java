package dev.fanfare.feed;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.math.BigDecimal;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class TickerModelTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void quotesKeepBidBelowLastBelowAskWithPositivePrices() {
        TickerModel model = new TickerModel(DemoFeedConfig.DEFAULT_SYMBOLS, new Random(7));
        for (int i = 0; i < 200_000; i++) {
            TickerModel.Quote quote = model.next();
            assertTrue(quote.lastCents() >= TickerModel.FLOOR_CENTS, quote::toString);
            assertTrue(quote.bidCents() > 0, quote::toString);
            assertTrue(quote.bidCents() < quote.lastCents(), quote::toString);
            assertTrue(quote.lastCents() < quote.askCents(), quote::toString);
        }
    }

    @Test
    void pricesWalkAndVolumesOnlyGrow() {
        TickerModel model = new TickerModel(DemoFeedConfig.DEFAULT_SYMBOLS, new Random(11));
        Map<String, Long> firstLast = new HashMap<>();
        Map<String, Long> volume = new HashMap<>();
        int moved = 0;
        for (int i = 0; i < 10_000; i++) {
            TickerModel.Quote quote = model.next();
            Long previousVolume = volume.put(quote.symbol(), quote.volume());
            assertTrue(previousVolume == null || quote.volume() > previousVolume, quote::toString);
            Long first = firstLast.putIfAbsent(quote.symbol(), quote.lastCents());
            if (first != null && first != quote.lastCents()) {
                moved++;
            }
        }
        assertEquals(DemoFeedConfig.DEFAULT_SYMBOLS.size(), volume.size(), "every symbol quoted");
        assertTrue(moved > 5_000, "prices move: " + moved);
    }

    @Test
    void jsonCarriesTheQuoteInDollars() throws Exception {
        TickerModel model = new TickerModel(java.util.List.of("ACME"), new Random(3));
        TickerModel.Quote quote = model.next();
        JsonNode json = JSON.readTree(quote.toJson());

        assertEquals("ACME", json.get("symbol").asText());
        assertEquals(BigDecimal.valueOf(quote.lastCents(), 2), json.get("last").decimalValue());
        assertEquals(BigDecimal.valueOf(quote.bidCents(), 2), json.get("bid").decimalValue());
        assertEquals(BigDecimal.valueOf(quote.askCents(), 2), json.get("ask").decimalValue());
        assertEquals(quote.volume(), json.get("volume").asLong());
        assertEquals(BigDecimal.valueOf(quote.lastCents() - quote.openCents(), 2), json.get("change").decimalValue());
        assertEquals(quote.changePct(), json.get("changePct").decimalValue());
        assertEquals(7, json.size(), json::toString);
    }

    @Test
    void changePercentIsRelativeToTheOpen() {
        TickerModel.Quote quote = new TickerModel.Quote("ACME", 10_053, 10_052, 10_054, 100, 10_000);
        assertEquals(53, quote.changeCents());
        assertEquals(new BigDecimal("0.53"), quote.changePct());
        assertEquals("{\"symbol\":\"ACME\",\"last\":100.53,\"bid\":100.52,\"ask\":100.54,\"volume\":100,"
                + "\"change\":0.53,\"changePct\":0.53}", new String(quote.toJson()));
    }
}
