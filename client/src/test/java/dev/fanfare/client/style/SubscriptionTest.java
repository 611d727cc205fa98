package dev.fanfare.client.style;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

class SubscriptionTest {

    private final Subscription base = Subscription.of(GatewayAddress.parse("http://localhost:8080"),
            List.of("ticker/*"));

    @Test
    void aMaxRateIsKeptByEveryOtherChangeAndNamedAsTheGatewayTakesIt() {
        assertEquals(0, base.maxRate(), "no limit unless asked");
        assertNull(base.maxRateParam(), "and then no max_rate at all");
        Subscription limited = base.withMaxRate(5).withCursor("c1").withPollInterval(Duration.ofMillis(200))
                .withStallTimeout(Duration.ofSeconds(3)).withLocalAddress(null)
                .withLongPollTimeout(Duration.ofSeconds(5));
        assertEquals(5, limited.maxRate());
        assertEquals("5", limited.maxRateParam());
    }

    @Test
    void aMaxRateTheGatewayWouldRefuseIsRefusedAtOnce() {
        assertThrows(IllegalArgumentException.class, () -> base.withMaxRate(-1));
        assertThrows(IllegalArgumentException.class, () -> base.withMaxRate(1001));
        assertEquals(1000, base.withMaxRate(1000).maxRate());
    }
}
