package dev.chartbridge.app.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.ScopeType;

/**
 * The {@code chartbridge} command: {@code serve}, {@code audit}, {@code review}, {@code events}, {@code check}. {@code --help} and
 * {@code --version} are inherited by every subcommand. Exit codes are {@link ExitCodes}: 0 done, 1 the answer is
 * "no" (a broken audit chain), 2 could not run (bad usage, bad configuration, database unreachable).
 */
@Command(name = "chartbridge", mixinStandardHelpOptions = true, scope = ScopeType.INHERIT,
        version = "ChartBridge 0.1.0",
        description = "Writes clinician-approved data from health apps into EHRs, exactly once, with proof.",
        subcommands = {ServeCommand.class, AuditCommand.class, ReviewCommand.class,
                EventsCommand.class, CheckCommand.class})
public final class ChartBridgeCli implements Runnable {

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    /** The command line, with a failure to run reported in one line and exit code 2 (not a stack trace and 1). */
    public static CommandLine commandLine() {
        return new CommandLine(new ChartBridgeCli()).setExecutionExceptionHandler(new CouldNotRun());
    }

    @Override
    public void run() {
        new CommandLine(this).usage(System.out);
    }
}
