package dev.chartbridge.app.cli;

import dev.chartbridge.core.store.Database;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code --help} on every command, and exit codes that tell "no" (1) from "could not run" (2). */
class CommandLineTest {
    @TempDir
    Path dir;

    /** The output and exit code of one run. */
    record Run(int exit, String out, String err) {
    }

    static Run run(CommandLine cli, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cli.setOut(new PrintWriter(out, true)).setErr(new PrintWriter(err, true));
        int exit = cli.execute(args);
        return new Run(exit, out.toString(), err.toString());
    }

    /** Every command path below the root, e.g. [audit, verify]. */
    static List<List<String>> commands(CommandLine cli, List<String> prefix) {
        List<List<String>> all = new ArrayList<>();
        cli.getSubcommands().forEach((name, sub) -> {
            if (!name.equals(sub.getCommandName())) {
                return; // an alias
            }
            List<String> path = new ArrayList<>(prefix);
            path.add(name);
            all.add(path);
            all.addAll(commands(sub, path));
        });
        return all;
    }

    @Test
    void every_command_and_subcommand_answers_help_with_exit_0() {
        List<List<String>> commands = commands(ChartBridgeCli.commandLine(), List.of());
        assertThat(commands).contains(List.of("serve"), List.of("audit", "verify"), List.of("review", "retry"));
        for (List<String> command : commands) {
            List<String> args = new ArrayList<>(command);
            args.add("--help");
            Run run = run(ChartBridgeCli.commandLine(), args.toArray(String[]::new));
            assertThat(run.exit()).as("%s: %s", args, run.err()).isZero();
            assertThat(run.out()).as("%s", args).contains("Usage: chartbridge " + String.join(" ", command));
        }
    }

    @Test
    void a_missing_configuration_file_is_one_line_and_exit_2() {
        Run run = run(ChartBridgeCli.commandLine(), "serve", "--config", dir.resolve("nope.yaml").toString());
        assertThat(run.exit()).isEqualTo(ExitCodes.COULD_NOT_RUN);
        assertThat(run.err()).startsWith("chartbridge serve: could not run: configuration ")
                .contains("nope.yaml does not exist").doesNotContain("\tat ");
    }

    @Test
    void an_unset_key_variable_is_named_in_one_line_with_exit_2() throws Exception {
        String unset = "CHARTBRIDGE_TEST_KEY_THAT_IS_NEVER_SET";
        assertThat(System.getenv(unset)).isNull();
        Path config = dir.resolve("c.yaml");
        Files.writeString(config, """
                database: {dataDir: %s}
                security: {masterKeyFile: %s}
                http: {port: 0}
                tenants:
                  - id: acme
                    apiKeys: [{label: app, secretEnv: %s}]
                """.formatted(dir.resolve("pg"), dir.resolve("master.key"), unset));
        Run run = run(ChartBridgeCli.commandLine(), "serve", "--config", config.toString());
        assertThat(run.exit()).isEqualTo(ExitCodes.COULD_NOT_RUN);
        assertThat(run.err()).contains("API key 'app' is read from the environment variable " + unset
                + ", which is not set").doesNotContain("\tat ");
        assertThat(dir.resolve("pg")).as("refused before the database starts").doesNotExist();
    }

    @Test
    void audit_verify_while_a_gateway_holds_the_embedded_database_exits_2_not_1() {
        Path data = dir.resolve("postgres");
        try (Database running = Database.embedded(data, dir.resolve("keys"), 0, 2)) {
            Run run = run(ChartBridgeCli.commandLine(), "audit", "verify", "--data-dir", data.toString());
            assertThat(run.exit()).as(run.err()).isEqualTo(ExitCodes.COULD_NOT_RUN);
            assertThat(run.err()).contains("could not open the embedded database")
                    .contains("if a gateway is running on it");
        }
    }
}
