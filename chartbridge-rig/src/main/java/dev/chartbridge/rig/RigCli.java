package dev.chartbridge.rig;

import dev.chartbridge.app.cli.ChartBridgeCli;
import picocli.CommandLine;

/**
 * The {@code chartbridge} command of the repository's test rig: every command of the product
 * ({@link ChartBridgeCli}) plus {@code demo} and {@code simulators}, which need the EHR simulators and so are never
 * part of the product. {@code ./chartbridge demo} and {@code ./chartbridge simulators} run this one.
 */
public final class RigCli {
    private RigCli() {
    }

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    /** The product's command line with the rig's two commands added. */
    public static CommandLine commandLine() {
        return ChartBridgeCli.commandLine()
                .addSubcommand(new DemoCommand())
                .addSubcommand(new SimulatorsCommand());
    }
}
