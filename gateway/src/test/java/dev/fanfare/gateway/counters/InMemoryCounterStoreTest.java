package dev.fanfare.gateway.counters;

import java.time.Duration;

class InMemoryCounterStoreTest extends CounterStoreContract {

    @Override
    CounterStore newEmptyStore() {
        return new InMemoryCounterStore(Duration.ofMinutes(10), Duration.ofDays(7));
    }
}
