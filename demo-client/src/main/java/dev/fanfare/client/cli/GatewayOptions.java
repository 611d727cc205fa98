package dev.fanfare.client.cli;

import dev.fanfare.client.style.GatewayAddress;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;

/** Options every command shares: where the gateway is, the token to show it, and how many I/O threads to use. */
public final class GatewayOptions {

    @Option(names = "--url", paramLabel = "URL", defaultValue = "${env:FANFARE_URL:-http://localhost:8080}",
            description = "Gateway base URL (env FANFARE_URL; default: ${DEFAULT-VALUE}).")
    String url;

    @Option(names = "--token", paramLabel = "TOKEN", defaultValue = "${env:FANFARE_TOKEN}",
            description = "Access token for a gateway that checks them, sent as Authorization: Bearer on every request"
                    + " (env FANFARE_TOKEN, better than the command line; make one with ./fanfare token).")
    String token;

    @Option(names = "--io-threads", paramLabel = "N", defaultValue = "0",
            description = "Event-loop threads for all connections (default: one per core).")
    int ioThreads;

    /** The parsed, resolved address; a bad URL is a usage error. */
    GatewayAddress address(CommandSpec spec) {
        try {
            return GatewayAddress.parse(url).withToken(token);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--url " + e.getMessage());
        }
    }
}
