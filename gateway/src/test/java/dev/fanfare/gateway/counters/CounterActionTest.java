package dev.fanfare.gateway.counters;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class CounterActionTest {

    @Test
    void clapsAndLikesSurviveTheirJsonForm() {
        for (CounterAction action : new CounterAction[] {
                CounterAction.clap("post-1", "u:1@x", 7, 42),
                CounterAction.clap("post-1", "u1", 1, CounterAction.NO_RESERVATION),
                CounterAction.like("post-1", "u1"),
                CounterAction.unlike("post-1", "u1")}) {
            assertEquals(action, CounterAction.fromJson(action.toJson()));
        }
    }

    @Test
    void theWireFormIsTheDocumentedOne() {
        assertEquals("{\"type\":\"clap\",\"post\":\"p\",\"user\":\"u\",\"count\":3,\"reservation\":9}",
                new String(CounterAction.clap("p", "u", 3, 9).toJson(), StandardCharsets.UTF_8));
        assertEquals("{\"type\":\"unlike\",\"post\":\"p\",\"user\":\"u\"}",
                new String(CounterAction.unlike("p", "u").toJson(), StandardCharsets.UTF_8));
        assertEquals("{\"post\":\"p\",\"claps\":3,\"likes\":1}",
                new String(new PostTotals("p", 3, 1).toJson(), StandardCharsets.UTF_8));
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "not json",
        "[1]",
        "{\"type\":\"boo\",\"post\":\"p\",\"user\":\"u\"}",
        "{\"type\":\"like\",\"post\":\"bad post\",\"user\":\"u\"}",
        "{\"type\":\"like\",\"post\":\"p\"}",
        "{\"type\":\"clap\",\"post\":\"p\",\"user\":\"u\"}",
        "{\"type\":\"clap\",\"post\":\"p\",\"user\":\"u\",\"count\":0}",
        "{\"type\":\"clap\",\"post\":\"p\",\"user\":\"u\",\"count\":1.5}"})
    void malformedRecordsAreRefused(String value) {
        assertThrows(IllegalArgumentException.class,
                () -> CounterAction.fromJson(value.getBytes(StandardCharsets.UTF_8)));
    }
}
