package dev.fanfare.client;

import dev.fanfare.client.cli.BenchCommand;
import dev.fanfare.client.cli.CompareCommand;
import dev.fanfare.client.cli.ExitCodes;
import dev.fanfare.client.cli.PeerTableCommand;
import dev.fanfare.client.cli.SubscribeCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * {@code fanfare}: the command line around a Fanfare gateway. Each subcommand says what it does with
 * {@code --help}; exit codes are listed in {@link ExitCodes}.
 */
@Command(name = "fanfare",
        mixinStandardHelpOptions = true,
        versionProvider = Main.Version.class,
        description = "Follow, compare and benchmark the four delivery styles of a Fanfare gateway; produce demo traffic.",
        subcommands = {
                SubscribeCommand.class,
                CompareCommand.class,
                BenchCommand.class,
                ProduceCommand.class,
                PeerTableCommand.class,
                CommandLine.HelpCommand.class
        },
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
                "0:done (and, for compare and bench, every expected event arrived once)",
                "1:failed (gateway unreachable, subscription refused, I/O error)",
                "2:bad command line",
                "3:ran, but events were missing, duplicated, out of order or not published"
        })
public final class Main implements Runnable {

    @Spec
    private CommandSpec spec;

    /** The configured command line; tests run commands through it. */
    public static CommandLine commandLine() {
        CommandLine commandLine = new CommandLine(new Main());
        commandLine.setExecutionExceptionHandler((e, cl, parsed) -> {
            cl.getErr().println(cl.getColorScheme().errorText("fanfare " + cl.getCommandName() + ": " + e.getMessage()));
            return ExitCodes.FAILURE;
        });
        return commandLine;
    }

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "a command is required");
    }

    /** The version from the jar's manifest (unknown when run from classes). */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String version = Main.class.getPackage().getImplementationVersion();
            return new String[]{"fanfare " + (version == null ? "(development build)" : version)};
        }
    }
}
