package dev.chartbridge.simulators;

import dev.chartbridge.simulators.fhir.FhirSimulator;
import java.util.concurrent.CountDownLatch;

/**
 * Runs the simulators on 127.0.0.1 until the process is killed, printing their base URLs.
 * Usage: {@code SimulatorsMain [--port N]} (N for the generic FHIR simulator; default a free port).
 */
public final class SimulatorsMain {

  private SimulatorsMain() {}

  public static void main(String[] args) throws InterruptedException {
    int port = 0;
    for (int i = 0; i < args.length; i++) {
      if (args[i].equals("--port") && i + 1 < args.length) {
        port = Integer.parseInt(args[++i]);
      } else if (args[i].startsWith("--port=")) {
        port = Integer.parseInt(args[i].substring("--port=".length()));
      } else {
        System.err.println("usage: SimulatorsMain [--port N]");
        System.exit(2);
      }
    }
    FhirSimulator fhir = FhirSimulator.start(port);
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      fhir.close();
      stopped.countDown();
    }, "simulators-shutdown"));
    System.out.println("FHIR R4 simulator   " + fhir.baseUrl() + "   (control: " + fhir.controlUrl() + ")");
    System.out.println("Ready. Stop with Ctrl-C.");
    stopped.await();
  }
}
