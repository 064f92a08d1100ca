package dev.chartbridge.rig;

import dev.chartbridge.rig.demo.Demo;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.util.concurrent.Callable;

/** Runs the self-contained demo: embedded database, EHR simulator, gateway, sample events; exit 0 when all landed. */
@Command(name = "demo", description = "Run the end-to-end demo on the embedded database and the EHR simulator.")
public final class DemoCommand implements Callable<Integer> {
    @Option(names = "--timeout-seconds", defaultValue = "60", description = "give up after this long")
    int timeoutSeconds;

    @Override
    public Integer call() throws Exception {
        return new Demo(System.out).run(java.time.Duration.ofSeconds(timeoutSeconds)) ? 0 : 1;
    }
}
