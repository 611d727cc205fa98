package dev.fanfare.gateway.cluster;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code fanfare cluster}: a broker process, Redis, N gateway nodes and nginx in front, in the
 * foreground; Ctrl-C or SIGTERM stops all of it. A node that dies is reported, not replaced.
 */
@Command(name = "fanfare cluster", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Runs N gateway nodes behind nginx, with a Kafka broker process and redis-server, on this machine.",
        footer = {"", "Options after -- go to every node, e.g.: ./fanfare cluster --nodes 3 -- --partitions 8"})
public final class ClusterCommand implements Callable<Integer> {

    @Option(names = "--nodes", defaultValue = "3", description = "gateway nodes (default ${DEFAULT-VALUE})")
    int nodes;

    @Option(names = "--port", defaultValue = "8080", description = "nginx's port, the cluster's one address (default ${DEFAULT-VALUE})")
    int port;

    @Option(names = "--data-dir", defaultValue = ".fanfare/cluster",
            description = "data and logs of every process, and cluster.json (default ${DEFAULT-VALUE})")
    Path dataDir;

    @Option(names = "--nginx-conf", defaultValue = "${sys:fanfare.home:-.}/deploy/nginx/fanfare.conf",
            description = "the load balancer's configuration (default: the shipped deploy/nginx/fanfare.conf)")
    Path nginxConf;

    @Option(names = "--no-demo-feed", negatable = true, defaultValue = "true",
            description = "run the demo feed on the first node (default on)")
    boolean demoFeed;

    @Parameters(paramLabel = "NODE_OPTION", description = "options for every node (after --)")
    List<String> nodeArgs = new ArrayList<>();

    @Override
    public Integer call() throws InterruptedException {
        String opts = System.getenv().getOrDefault("FANFARE_NODE_JAVA_OPTS", "-XX:+UseG1GC -Xms64m -Xmx512m -XX:+ExitOnOutOfMemoryError");
        System.out.printf("fanfare cluster: starting a Kafka broker, redis-server, %d node(s) and nginx (data and logs in %s)%n",
                nodes, dataDir.toAbsolutePath().normalize());
        Cluster cluster = Cluster.start(new Cluster.Options(nodes, port, dataDir, nginxConf, List.of(opts.trim().split("\\s+")),
                nodeArgs, demoFeed, why -> System.out.println("fanfare cluster: " + why), System.getProperty("java.class.path")));
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            System.out.println("fanfare cluster: stopping");
            try {
                cluster.close();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            stopped.countDown();
        }, "fanfare-cluster-shutdown"));
        System.out.printf("%nFanfare cluster is up: %s (nginx, pid %d)%n  Kafka:  %s (pid %d)%n  Redis:  %s (pid %d)%n",
                cluster.url(), cluster.nginx().pid(), cluster.kafka().address(), cluster.kafka().pid(),
                cluster.redis().address(), cluster.redis().pid());
        for (Cluster.Node n : cluster.nodes()) {
            System.out.printf("  %s: %s (pid %d)%n", n.name(), n.url(), n.pid());
        }
        System.out.printf("  Described in %s; Ctrl-C stops everything.%n", cluster.dataDir().resolve("cluster.json"));
        stopped.await();
        return 0;
    }

    public static void main(String[] args) {
        int code;
        try {
            code = new CommandLine(new ClusterCommand()).execute(args);
        } catch (Throwable t) {
            t.printStackTrace();
            code = 1;
        }
        System.exit(code);
    }
}
