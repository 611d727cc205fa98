package dev.fanfare.gateway.testing;

import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.utils.Utils;

/**
 * Runs one of Kafka's methods and one of ours hot for a few seconds, in a JVM of its own, so that a test
 * can read from {@code -XX:+PrintCompilation} which compiler compiled each under the launcher's options.
 */
public final class HotLoop {

    private HotLoop() {
    }

    public static void main(String[] args) {
        long until = System.nanoTime() + Long.parseLong(args[0]) * 1_000_000L;
        byte[] key = "ticker/ACME".getBytes(StandardCharsets.US_ASCII);
        long sum = 0;
        for (int i = 0; System.nanoTime() < until; i++) {
            for (int j = 0; j < 1_000; j++) {
                key[0] = (byte) (i + j);
                sum += Utils.murmur2(key); // Kafka's
                sum += ours(key);
            }
        }
        System.out.println(sum);
    }

    /** FNV-1a: a loop much like murmur2's. */
    static int ours(byte[] bytes) {
        int h = 0x811c9dc5;
        for (byte b : bytes) {
            h = (h ^ b) * 0x01000193;
        }
        return h;
    }
}
