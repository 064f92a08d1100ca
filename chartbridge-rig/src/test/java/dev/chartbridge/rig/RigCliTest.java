package dev.chartbridge.rig;

import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;

import static org.assertj.core.api.Assertions.assertThat;

/** The rig's command line: the product's commands plus demo and simulators, each answering --help. */
class RigCliTest {
    @Test
    void demo_simulators_and_the_products_commands_answer_help() {
        for (String[] args : new String[][]{{"demo", "--help"}, {"simulators", "--help"}, {"serve", "--help"},
            {"--help"}}) {
            StringWriter out = new StringWriter();
            CommandLine cli = RigCli.commandLine().setOut(new PrintWriter(out, true));
            assertThat(cli.execute(args)).as(String.join(" ", args)).isZero();
            assertThat(out.toString()).contains("Usage: chartbridge");
        }
        StringWriter out = new StringWriter();
        RigCli.commandLine().setOut(new PrintWriter(out, true)).execute("--help");
        assertThat(out.toString()).contains("demo").contains("simulators").contains("serve").contains("audit");
    }
}
