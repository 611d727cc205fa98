package dev.fanfare.client.network;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The shaping proxy on real sockets in front of an echo server. The delays it adds are lower bounds it must
 * respect (it cannot deliver early), so they are checked as such; how close it comes is not asserted.
 */
class ShapingProxyIT {

    private ServerSocket echo;
    private Thread echoThread;

    @BeforeEach
    void startEcho() throws IOException {
        echo = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        echoThread = new Thread(() -> {
            while (!echo.isClosed()) {
                try (Socket s = echo.accept(); InputStream in = s.getInputStream(); OutputStream out = s.getOutputStream()) {
                    in.transferTo(out);
                } catch (IOException e) {
                    // closed: the test is over
                }
            }
        }, "echo");
        echoThread.setDaemon(true);
        echoThread.start();
    }

    @AfterEach
    void stopEcho() throws Exception {
        echo.close();
        echoThread.join(5_000);
    }

    private InetSocketAddress echoAddress() {
        return new InetSocketAddress(InetAddress.getLoopbackAddress(), echo.getLocalPort());
    }

    @Test
    void bytesArriveWholeAndInOrderDespiteJitterAndEachRoundTripTakesAtLeastTheRtt() throws Exception {
        LinkShape shape = new LinkShape(Duration.ofMillis(40), Duration.ofMillis(15), 0);
        try (ShapingProxy proxy = ShapingProxy.start(echoAddress(), shape, 1);
             Socket s = new Socket(InetAddress.getLoopbackAddress(), proxy.port())) {
            s.setTcpNoDelay(true);
            DataOutputStream out = new DataOutputStream(s.getOutputStream());
            DataInputStream in = new DataInputStream(s.getInputStream());
            for (int i = 0; i < 500; i++) {
                out.writeInt(i); // 500 separate writes, each delayed by its own jitter
                out.flush();
            }
            for (int i = 0; i < 500; i++) {
                assertEquals(i, in.readInt(), "bytes kept in order");
            }
            long start = System.nanoTime();
            out.writeInt(-1);
            out.flush();
            assertEquals(-1, in.readInt());
            long roundTripMillis = (System.nanoTime() - start) / 1_000_000;
            assertTrue(roundTripMillis >= 40 - 2 * 15, "at least the RTT less the jitter both ways: " + roundTripMillis);
        }
    }

    @Test
    void aBandwidthCapHoldsBytesBackToItsRate() throws Exception {
        LinkShape shape = new LinkShape(Duration.ZERO, Duration.ZERO, 800_000); // 100 kB/s each way
        byte[] payload = new byte[50_000];
        for (int i = 0; i < payload.length; i++) {
            payload[i] = (byte) i;
        }
        try (ShapingProxy proxy = ShapingProxy.start(echoAddress(), shape, 1);
             Socket s = new Socket(InetAddress.getLoopbackAddress(), proxy.port())) {
            long start = System.nanoTime();
            s.getOutputStream().write(payload);
            s.getOutputStream().flush();
            byte[] back = new DataInputStream(s.getInputStream()).readNBytes(payload.length);
            long millis = (System.nanoTime() - start) / 1_000_000;
            assertArrayEquals(payload, back);
            assertTrue(millis >= 450, "50 kB at 100 kB/s cannot come back in under half a second: " + millis + " ms");
        }
    }
}
