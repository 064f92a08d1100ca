package dev.chartbridge.app.cli;

import dev.chartbridge.app.LiveChecks;
import dev.chartbridge.app.config.ConfigLoader;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.concurrent.Callable;

/**
 * {@code chartbridge check}: checks the configured EHR connections live (capabilities against the vendor profile,
 * token and scopes, a read of the test patient) and prints PASS/WARN/FAIL per item; exit 0 (nothing failed), 1 (a FAIL) or 2 (could not run).
 */
@Command(name = "check", description = "Check EHR connections live: capabilities, token and scopes, a test read."
        + " Exit code 0 nothing failed, 1 an item failed, 2 could not run.")
final class CheckCommand implements Callable<Integer> {
    @Option(names = "--config", required = true, description = "YAML configuration file")
    Path config;

    @Option(names = "--tenant", description = "only this tenant's connections")
    String tenant;

    @Option(names = "--connection", description = "only the connection of this name")
    String connection;

    @Override
    public Integer call() {
        return LiveChecks.run(ConfigLoader.load(config), tenant, connection, System.out);
    }
}
