package dev.chartbridge.app.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code chartbridge} command: {@code serve}, {@code demo}, {@code audit}, {@code review}, {@code simulators},
 * {@code check}. */
@Command(name = "chartbridge", mixinStandardHelpOptions = true, version = "ChartBridge 0.1.0",
        description = "Writes clinician-approved data from health apps into EHRs, exactly once, with proof.",
        subcommands = {ServeCommand.class, DemoCommand.class, AuditCommand.class, ReviewCommand.class,
                SimulatorsCommand.class, CheckCommand.class})
public final class ChartBridgeCli implements Runnable {

    public static void main(String[] args) {
        System.exit(new CommandLine(new ChartBridgeCli()).execute(args));
    }

    @Override
    public void run() {
        new CommandLine(this).usage(System.out);
    }
}
