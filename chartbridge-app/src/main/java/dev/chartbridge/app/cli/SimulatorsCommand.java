package dev.chartbridge.app.cli;

import dev.chartbridge.simulators.SimulatorsMain;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.util.concurrent.Callable;

/** Starts the EHR simulators on loopback and prints their base URLs, until the process is stopped. */
@Command(name = "simulators", description = "Run the EHR simulators on 127.0.0.1 and print their URLs.")
final class SimulatorsCommand implements Callable<Integer> {
    @Option(names = "--port", description = "first port (default: any free port)")
    Integer port;

    @Override
    public Integer call() throws Exception {
        SimulatorsMain.main(port == null ? new String[0] : new String[]{"--port", port.toString()});
        return 0;
    }
}
