package dev.chartbridge.rig;

import dev.chartbridge.simulators.SimulatorsMain;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/** Starts the EHR simulators on loopback and prints their base URLs and credentials, until the process is stopped. */
@Command(name = "simulators",
        description = "Run the EHR simulators on 127.0.0.1 and print their URLs and credentials.")
public final class SimulatorsCommand implements Callable<Integer> {
    @Option(names = "--port", description = "the generic FHIR simulator's port; Epic, athenahealth, eClinicalWorks,"
            + " AdvancedMD and Veradigm take the next five unless given their own (default: free ports)")
    Integer port;
    @Option(names = "--epic-port") Integer epicPort;
    @Option(names = "--athena-port") Integer athenaPort;
    @Option(names = "--ecw-port") Integer ecwPort;
    @Option(names = "--advancedmd-port") Integer advancedMdPort;
    @Option(names = "--veradigm-port") Integer veradigmPort;

    @Override
    public Integer call() throws Exception {
        List<String> args = new ArrayList<>();
        add(args, "--port", port);
        add(args, "--epic-port", epicPort);
        add(args, "--athena-port", athenaPort);
        add(args, "--ecw-port", ecwPort);
        add(args, "--advancedmd-port", advancedMdPort);
        add(args, "--veradigm-port", veradigmPort);
        SimulatorsMain.main(args.toArray(new String[0]));
        return 0;
    }

    private static void add(List<String> args, String option, Integer value) {
        if (value != null) {
            args.add(option);
            args.add(value.toString());
        }
    }
}
