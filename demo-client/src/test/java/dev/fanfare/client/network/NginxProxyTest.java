package dev.fanfare.client.network;

import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class NginxProxyTest {

    private static final InetSocketAddress GATEWAY = new InetSocketAddress("127.0.0.1", 8080);

    private static String config(NginxProxy.Mode mode) {
        return NginxProxy.config(Path.of("/tmp/x"), GATEWAY, 9000, mode);
    }

    @Test
    void everyModeBuffersAsNginxShipsAndListensOnlyOnLoopback() {
        for (NginxProxy.Mode mode : NginxProxy.Mode.values()) {
            String conf = config(mode);
            assertTrue(conf.contains("proxy_buffering on;"), mode.name());
            assertTrue(conf.contains("listen 127.0.0.1:9000;"), mode.name());
            assertTrue(conf.contains("server 127.0.0.1:8080;"), mode.name());
            assertTrue(conf.contains("pid /tmp/x/nginx.pid;"), mode.name());
        }
    }

    @Test
    void onlyTheBufferingModeIgnoresXAccelBufferingAndOnlyNoUpgradeDropsTheUpgradeHeaders() {
        assertTrue(config(NginxProxy.Mode.BUFFERING).contains("proxy_ignore_headers X-Accel-Buffering;"));
        assertFalse(config(NginxProxy.Mode.BUFFERING_HONOURS_HEADER).contains("proxy_ignore_headers"));
        assertFalse(config(NginxProxy.Mode.NO_UPGRADE).contains("proxy_set_header Upgrade"));
        assertTrue(config(NginxProxy.Mode.BUFFERING).contains("proxy_set_header Upgrade $http_upgrade;"));
    }

    @Test
    void modesAreNamedAsOnTheCommandLine() {
        for (NginxProxy.Mode mode : NginxProxy.Mode.values()) {
            assertEquals(mode, NginxProxy.Mode.fromCliName(mode.cliName()));
        }
    }
}
