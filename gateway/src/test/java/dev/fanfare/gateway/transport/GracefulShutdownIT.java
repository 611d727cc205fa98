package dev.fanfare.gateway.transport;

import static dev.fanfare.gateway.testing.Deliveries.PATIENCE;
import static dev.fanfare.gateway.testing.Deliveries.awaitEvents;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.fanfare.gateway.GatewayServer;
import dev.fanfare.gateway.testing.GatewayHttp;
import dev.fanfare.gateway.testing.SseClient;
import dev.fanfare.gateway.testing.TestGateway;
import dev.fanfare.gateway.testing.WsClient;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Stopping a gateway tells its streaming clients, each in its own protocol, to reconnect (elsewhere). */
@Timeout(120)
class GracefulShutdownIT {

    @Test
    void stoppingSendsSseADisconnectEventAndClosesWebSocketsWith1001() {
        GatewayServer gateway = GatewayServer.start(TestGateway.config());
        GatewayHttp http = new GatewayHttp(gateway.port());
        String channel = "demo/bye";
        String live = http.liveCursor(List.of(channel));
        SseClient sse = new SseClient(gateway.port());
        WsClient ws = new WsClient(gateway.port());
        try {
            sse.start(List.of(channel), live);
            ws.start(List.of(channel), live);
            http.publish(channel, "{\"n\":1}");
            awaitEvents(sse, 1);
            awaitEvents(ws, 1);

            gateway.close();

            await().atMost(PATIENCE).until(sse::ended);
            assertEquals(1, sse.disconnects().size(), sse::toString);
            assertEquals("shutdown", sse.disconnects().get(0).data().path("reason").asText());
            WsClient.Close close = ws.closed().orTimeout(PATIENCE.toSeconds(), TimeUnit.SECONDS).join();
            assertEquals(1001, close.code(), close::toString);
        } finally {
            sse.stop();
            ws.stop();
            gateway.close();
        }
    }
}
