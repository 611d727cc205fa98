package dev.fanfare.client.cli;

import dev.fanfare.client.report.PeerTable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code fanfare peer-table}: the README's table of Fanfare next to Nchan and Pushpin, from a bench-peers sitting. */
@Command(name = "peer-table", mixinStandardHelpOptions = true,
        description = {"Writes the Markdown table of a scripts/bench-peers.sh sitting (its results.jsonl): per row and",
                "server CPU per delivery (and its ratio to Nchan's), p50/p99, what was delivered, the command."})
public final class PeerTableCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "RESULTS", description = "The sitting's results.jsonl.")
    Path results;

    @Option(names = "--out", paramLabel = "FILE", description = "Write the table there (default: print it).")
    Path out;

    @Option(names = "--readme", paramLabel = "FILE",
            description = "Also put it into this README, between " + PeerTable.BEGIN + " and " + PeerTable.END + ".")
    Path readme;

    @Override
    public Integer call() throws IOException {
        String table = PeerTable.markdown(PeerTable.read(results));
        if (out != null) {
            Files.writeString(out, table, StandardCharsets.UTF_8);
        } else {
            spec.commandLine().getOut().print(table);
            spec.commandLine().getOut().flush();
        }
        if (readme != null) {
            Files.writeString(readme, PeerTable.replaceSection(Files.readString(readme, StandardCharsets.UTF_8), table),
                    StandardCharsets.UTF_8);
        }
        return ExitCodes.OK;
    }
}
