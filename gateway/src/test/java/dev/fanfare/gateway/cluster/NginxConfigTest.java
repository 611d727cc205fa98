package dev.fanfare.gateway.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class NginxConfigTest {

    private static final List<InetSocketAddress> NODES = List.of(new InetSocketAddress("127.0.0.1", 4001),
            new InetSocketAddress("127.0.0.1", 4002));

    @Test
    void theShippedConfigPointsAtTheClustersNodesAndPortKeepingEverythingElse() throws Exception {
        String shipped = Files.readString(Path.of("../deploy/nginx/fanfare.conf"));
        String site = NginxConfig.site(shipped, NODES, 9090);
        assertTrue(site.contains("server 127.0.0.1:4001 max_fails=1 fail_timeout=5s;\n"), site);
        assertTrue(site.contains("server 127.0.0.1:4002 max_fails=1 fail_timeout=5s;\n"), site);
        assertFalse(site.contains("10.0.0.1"), "the sample nodes are gone");
        assertTrue(site.contains("listen 127.0.0.1:9090;"), site);
        assertEquals(shipped.lines().filter(l -> l.contains("proxy_")).count(),
                site.lines().filter(l -> l.contains("proxy_")).count(), "every proxy setting kept");
        assertTrue(site.contains("keepalive 64;"));
    }

    @Test
    void aConfigWithoutTheUpstreamIsRefusedWithItsReason() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> NginxConfig.site("server { listen 80; }", NODES, 1));
        assertTrue(e.getMessage().contains("upstream fanfare_nodes"), e.getMessage());
    }
}
