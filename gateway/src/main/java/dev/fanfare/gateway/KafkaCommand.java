package dev.fanfare.gateway;

import dev.fanfare.gateway.kafka.EmbeddedKafkaBroker;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code fanfare kafka}: the embedded single-node broker as a process of its own, for clusters of
 * gateway nodes and for benchmarks that keep the broker's CPU apart from the node's. Stops on
 * SIGTERM or Ctrl-C; its data stays in {@code --data-dir}, so a restart on the same directory and
 * port carries on where it stopped.
 */
@Command(name = "fanfare kafka", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Runs the embedded single-node Kafka broker (KRaft) as a process of its own.")
public final class KafkaCommand implements Callable<Integer> {

    /** The line a launcher waits for; the address follows it. */
    public static final String READY = "Kafka broker ready at ";

    @Option(names = "--port", defaultValue = "${env:FANFARE_KAFKA_PORT:-9092}",
            description = "client port on 127.0.0.1; 0: any free port (env FANFARE_KAFKA_PORT; default ${DEFAULT-VALUE})")
    int port;

    @Option(names = "--data-dir", defaultValue = "${env:FANFARE_KAFKA_DATA_DIR:-.fanfare/broker}",
            description = "the broker's data, kept across restarts (env FANFARE_KAFKA_DATA_DIR; default ${DEFAULT-VALUE})")
    Path dataDir;

    @Override
    public Integer call() throws InterruptedException {
        EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start(dataDir, port);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            broker.close();
            stopped.countDown();
        }, "fanfare-kafka-shutdown"));
        System.out.println(READY + broker.bootstrapServers() + " (data in " + broker.dataDir() + ")");
        System.out.flush();
        stopped.await();
        return 0;
    }

    public static void main(String[] args) {
        int code;
        try {
            code = new CommandLine(new KafkaCommand()).execute(args);
        } catch (Throwable t) {
            t.printStackTrace();
            code = 1;
        }
        System.exit(code);
    }
}
