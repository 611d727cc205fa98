package dev.fanfare.gateway.cluster;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * The shipped {@code deploy/nginx/fanfare.conf} with this machine's addresses: its upstream's
 * {@code server} lines replaced by the cluster's nodes (their parameters kept), its {@code listen}
 * by the cluster's port, inside a top-level configuration of its own (pid, temporary files and logs
 * in the cluster's directory).
 */
final class NginxConfig {

    private static final Pattern UPSTREAM = Pattern.compile("(upstream\\s+fanfare_nodes\\s*\\{)(.*?)(\\n\\s*keepalive\\s)", Pattern.DOTALL);
    private static final Pattern SERVER = Pattern.compile("(?m)^([ \\t]*)server\\s+\\S+:\\d+([^;]*);[^\\n]*\\n");
    private static final Pattern LISTEN = Pattern.compile("(?m)^([ \\t]*)listen\\s+\\d+\\s*;");

    private NginxConfig() {
    }

    /** The shipped http-context file, pointed at {@code nodes} and listening on 127.0.0.1:{@code port}. */
    static String site(String shipped, List<InetSocketAddress> nodes, int port) {
        Matcher upstream = UPSTREAM.matcher(shipped);
        if (!upstream.find()) {
            throw new IllegalArgumentException("nginx config: no 'upstream fanfare_nodes { ... keepalive' block");
        }
        Matcher first = SERVER.matcher(upstream.group(2));
        if (!first.find()) {
            throw new IllegalArgumentException("nginx config: no 'server host:port' line in upstream fanfare_nodes");
        }
        String indent = first.group(1);
        String parameters = first.group(2);
        String servers = nodes.stream()
                .map(n -> indent + "server " + n.getHostString() + ":" + n.getPort() + parameters + ";\n")
                .collect(Collectors.joining());
        // Lines before the first server line are no server lines: it keeps its place.
        String without = SERVER.matcher(upstream.group(2)).replaceAll("");
        String body = without.substring(0, first.start()) + servers + without.substring(first.start());
        String pointed = shipped.substring(0, upstream.start(2)) + body + shipped.substring(upstream.end(2));
        Matcher listen = LISTEN.matcher(pointed);
        if (!listen.find()) {
            throw new IllegalArgumentException("nginx config: no 'listen <port>;' line");
        }
        return listen.replaceFirst(Matcher.quoteReplacement(listen.group(1) + "listen 127.0.0.1:" + port + ";"));
    }

    /** A whole nginx.conf around {@code site}: everything nginx writes stays under {@code dir}. */
    static String main(Path dir, String site) {
        // As root, the workers would run as nobody and could not use the cluster's directory.
        String user = "root".equals(System.getProperty("user.name")) ? "user root;\n" : "";
        return user
                + "worker_processes 1;\n"
                + "pid " + dir.resolve("nginx.pid") + ";\n"
                + "error_log " + dir.resolve("error.log") + " warn;\n"
                + "events { worker_connections 16384; }\n"
                + "worker_rlimit_nofile 20000;\n"
                + "http {\n"
                + "  access_log off;\n"
                + "  client_body_temp_path " + dir.resolve("body") + ";\n"
                + "  proxy_temp_path " + dir.resolve("proxy") + ";\n"
                + "  fastcgi_temp_path " + dir.resolve("fastcgi") + ";\n"
                + "  uwsgi_temp_path " + dir.resolve("uwsgi") + ";\n"
                + "  scgi_temp_path " + dir.resolve("scgi") + ";\n"
                + site
                + "}\n";
    }
}
