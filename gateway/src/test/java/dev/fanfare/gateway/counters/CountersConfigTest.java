package dev.fanfare.gateway.counters;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.net.URI;
import org.junit.jupiter.api.Test;

class CountersConfigTest {

    @Test
    void theDefaultsNameTheGatewaysTopicsAndGroup() {
        CountersConfig config = CountersConfig.defaults();

        assertEquals("fanfare.actions", config.actionsTopic());
        assertEquals("fanfare.claps", config.clapsTopic());
        assertEquals("fanfare.likes", config.likesTopic());
        assertEquals("fanfare-counters", config.groupId());
        assertEquals(50, config.clapCap());
    }

    @Test
    void badSettingsAreRefusedWithTheExpectedRange() {
        assertEquals("clapCap: 0 (expected: > 0)", assertThrows(IllegalArgumentException.class,
                () -> CountersConfig.defaults().withClapCap(0)).getMessage());
        assertEquals("redis: http://h:1 (expected: redis://host:port)", assertThrows(IllegalArgumentException.class,
                () -> CountersConfig.defaults().withRedis(URI.create("http://h:1"))).getMessage());
    }
}
