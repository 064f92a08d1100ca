package dev.chartbridge.simulators;

import dev.chartbridge.simulators.ecw.EcwSimulator;
import dev.chartbridge.simulators.epic.EpicSimulator;
import dev.chartbridge.simulators.fhir.FhirSimulator;
import java.util.concurrent.CountDownLatch;

/**
 * Runs the simulators on 127.0.0.1 until the process is killed, printing their base URLs.
 * Usage: {@code SimulatorsMain [--port N] [--epic-port N] [--ecw-port N]} (N for the generic FHIR, Epic and
 * eClinicalWorks simulators; default a free port).
 */
public final class SimulatorsMain {

  private SimulatorsMain() {}

  public static void main(String[] args) throws InterruptedException {
    int port = 0;
    // --- vendor-a simulators (Epic, eClinicalWorks): ports ---
    int epicPort = 0;
    int ecwPort = 0;
    // --- end vendor-a ---
    for (int i = 0; i < args.length; i++) {
      // --- vendor-a simulators (Epic, eClinicalWorks): arguments ---
      if (args[i].equals("--epic-port") && i + 1 < args.length) {
        epicPort = Integer.parseInt(args[++i]);
        continue;
      }
      if (args[i].equals("--ecw-port") && i + 1 < args.length) {
        ecwPort = Integer.parseInt(args[++i]);
        continue;
      }
      // --- end vendor-a ---
      if (args[i].equals("--port") && i + 1 < args.length) {
        port = Integer.parseInt(args[++i]);
      } else if (args[i].startsWith("--port=")) {
        port = Integer.parseInt(args[i].substring("--port=".length()));
      } else {
        System.err.println("usage: SimulatorsMain [--port N] [--epic-port N] [--ecw-port N]");
        System.exit(2);
      }
    }
    FhirSimulator fhir = FhirSimulator.start(port);
    // --- vendor-a simulators (Epic, eClinicalWorks): start ---
    EpicSimulator epic = EpicSimulator.start(epicPort);
    EcwSimulator ecw = EcwSimulator.start(ecwPort);
    // --- end vendor-a ---
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      fhir.close();
      // --- vendor-a ---
      epic.close();
      ecw.close();
      // --- end vendor-a ---
      stopped.countDown();
    }, "simulators-shutdown"));
    System.out.println("FHIR R4 simulator   " + fhir.baseUrl() + "   (control: " + fhir.controlUrl() + ")");
    // --- vendor-a simulators (Epic, eClinicalWorks): banner ---
    System.out.println("Epic simulator      " + epic.baseUrl() + "   (token: " + epic.tokenUrl()
        + ", control: " + epic.controlUrl() + ")");
    System.out.println("eCW simulator       " + ecw.baseUrl() + "   (token: " + ecw.tokenUrl()
        + ", control: " + ecw.controlUrl() + ")");
    // --- end vendor-a ---
    System.out.println("Ready. Stop with Ctrl-C.");
    stopped.await();
  }
}
