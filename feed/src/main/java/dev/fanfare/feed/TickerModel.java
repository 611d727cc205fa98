package dev.fanfare.feed;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Random;

/**
 * Random-walk prices for a fixed set of symbols. Each {@link #next()} moves one symbol's price and returns its new
 * quote. Prices are kept in whole cents so the invariants hold exactly: every price is at least
 * {@value #FLOOR_CENTS} cents and {@code bid < last < ask}. Not thread-safe: the feed's scheduler thread owns it.
 */
final class TickerModel {

    /** A price never walks below one dollar; penny stocks would make the percentage moves wild. */
    static final long FLOOR_CENTS = 100;

    private final List<String> symbols;
    private final Random random;
    private final long[] lastCents;
    private final long[] openCents;
    private final long[] volume;

    TickerModel(List<String> symbols, Random random) {
        this.symbols = List.copyOf(symbols);
        this.random = random;
        int n = this.symbols.size();
        lastCents = new long[n];
        openCents = new long[n];
        volume = new long[n];
        for (int i = 0; i < n; i++) {
            lastCents[i] = 1_000 + random.nextInt(49_000);
            openCents[i] = lastCents[i];
        }
    }

    /** Moves a randomly chosen symbol and returns its quote. */
    Quote next() {
        int i = random.nextInt(symbols.size());
        long last = lastCents[i];
        // About 0.1% standard deviation per tick, at least a cent either way now and then.
        long move = Math.round(random.nextGaussian() * last * 0.001);
        last = Math.max(FLOOR_CENTS, last + move);
        lastCents[i] = last;
        volume[i] += 100L * (1 + random.nextInt(50));
        // A spread of 1 cent up to ~0.05% of the price on each side keeps bid < last < ask with bid > 0.
        long halfSpreadMax = Math.max(1, last / 2_000);
        long bid = last - 1 - random.nextLong(halfSpreadMax);
        long ask = last + 1 + random.nextLong(halfSpreadMax);
        return new Quote(symbols.get(i), last, bid, ask, volume[i], openCents[i]);
    }

    /**
     * One quote, prices in cents. {@code change} is measured from the price the symbol opened at when the model was
     * created.
     */
    record Quote(String symbol, long lastCents, long bidCents, long askCents, long volume, long openCents) {

        long changeCents() {
            return lastCents - openCents;
        }

        /** Change from the open in percent, rounded half-up to two decimals. */
        BigDecimal changePct() {
            return BigDecimal.valueOf(changeCents() * 100L)
                    .divide(BigDecimal.valueOf(openCents), 2, RoundingMode.HALF_UP);
        }

        /**
         * {@code {"symbol":"ACME","last":101.23,"bid":101.22,"ask":101.24,"volume":12345,"change":0.53,
         * "changePct":0.52}}. Symbols are channel keys ({@code [A-Za-z0-9._:@-]}), so they need no escaping.
         */
        byte[] toJson() {
            String json = "{\"symbol\":\"" + symbol
                    + "\",\"last\":" + money(lastCents)
                    + ",\"bid\":" + money(bidCents)
                    + ",\"ask\":" + money(askCents)
                    + ",\"volume\":" + volume
                    + ",\"change\":" + money(changeCents())
                    + ",\"changePct\":" + changePct().toPlainString()
                    + "}";
            return json.getBytes(StandardCharsets.UTF_8);
        }

        private static String money(long cents) {
            return BigDecimal.valueOf(cents, 2).toPlainString();
        }
    }
}
