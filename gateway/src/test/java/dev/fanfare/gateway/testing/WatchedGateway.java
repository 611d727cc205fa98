package dev.fanfare.gateway.testing;

import dev.fanfare.gateway.GatewayServer;
import dev.fanfare.gateway.testing.GatewayHttp.Published;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A gateway shared by the tests of a class, watched by a {@link Bystander} of every stream: after
 * each test (and after the class's own {@code @AfterEach} methods) the bystander must get exactly
 * the next canary and the events the test published on purpose ({@link #expect}). Register it on a
 * static field: {@code @RegisterExtension static final WatchedGateway shared = new WatchedGateway();}
 */
public final class WatchedGateway implements BeforeAllCallback, AfterEachCallback, AfterAllCallback {

    private final List<Published> expected = new ArrayList<>();
    private GatewayServer gateway;
    private GatewayHttp http;
    private Bystander bystander;

    @Override
    public void beforeAll(ExtensionContext context) {
        gateway = GatewayServer.start(TestGateway.config());
        http = new GatewayHttp(gateway.port());
        bystander = Bystander.start(http);
    }

    /** The bystander gets the next canary and what the test published, exactly: nothing slipped in, nothing lost. */
    @Override
    public void afterEach(ExtensionContext context) {
        List<Published> published = List.copyOf(expected);
        expected.clear();
        bystander.getsTheCanary(published);
    }

    @Override
    public void afterAll(ExtensionContext context) {
        if (bystander != null) {
            bystander.close();
        }
        if (gateway != null) {
            gateway.close();
        }
    }

    /** An event the test put on the gateway on purpose: the bystander must get it too. */
    public void expect(Published p) {
        expected.add(p);
    }

    public GatewayServer gateway() {
        return gateway;
    }

    public GatewayHttp http() {
        return http;
    }

    public Bystander bystander() {
        return bystander;
    }
}
