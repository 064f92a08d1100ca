package dev.chartbridge.app.cli;

import dev.chartbridge.app.Gateway;
import dev.chartbridge.app.config.ConfigLoader;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

/** Runs one gateway node until the process is stopped; SIGTERM shuts it down gracefully. */
@Command(name = "serve", description = "Run a gateway node (HTTP API, delivery workers, audit sealer).",
        footer = {"", "Every configuration key may also be set by an environment variable: CHARTBRIDGE_ and the key's"
                + " path in upper case, e.g. CHARTBRIDGE_HTTP_PORT, CHARTBRIDGE_TENANTS_0_CONNECTIONS_0_BASE_URL"
                + " (docs/configuration.md)."})
final class ServeCommand implements Callable<Integer> {
    @Option(names = "--config", defaultValue = "${env:CHARTBRIDGE_CONFIG}",
            description = "YAML configuration file (default: $CHARTBRIDGE_CONFIG; neither: the environment alone)")
    Path config;

    @Override
    public Integer call() throws InterruptedException {
        var configuration = ConfigLoader.load(config);
        Preflight.secretsReadable(configuration);
        Gateway gateway = Gateway.start(configuration);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            gateway.close();
            stopped.countDown();
        }, "shutdown"));
        System.out.println("ChartBridge serving on port " + gateway.port());
        stopped.await();
        return 0;
    }
}
