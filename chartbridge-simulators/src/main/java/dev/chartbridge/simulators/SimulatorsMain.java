package dev.chartbridge.simulators;

import dev.chartbridge.simulators.advancedmd.AdvancedMdSimulator;
import dev.chartbridge.simulators.athena.AthenaSimulator;
import dev.chartbridge.simulators.fhir.FhirSimulator;
import dev.chartbridge.simulators.veradigm.VeradigmSimulator;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;

/**
 * Runs the simulators on 127.0.0.1 until the process is killed, printing their base URLs.
 * Usage: {@code SimulatorsMain [--port N] [--athena-port N] [--advancedmd-port N] [--veradigm-port N]}
 * ({@code --port} for the generic FHIR simulator; each default is a free port).
 */
public final class SimulatorsMain {

  private SimulatorsMain() {}

  public static void main(String[] args) throws InterruptedException {
    int port = 0;
    int athenaPort = 0;
    int advancedMdPort = 0;
    int veradigmPort = 0;
    for (int i = 0; i < args.length; i++) {
      String[] option = args[i].split("=", 2);
      String value = option.length == 2 ? option[1] : i + 1 < args.length ? args[++i] : null;
      if (value == null) {
        usage();
      }
      switch (option[0]) {
        case "--port" -> port = Integer.parseInt(value);
        case "--athena-port" -> athenaPort = Integer.parseInt(value);
        case "--advancedmd-port" -> advancedMdPort = Integer.parseInt(value);
        case "--veradigm-port" -> veradigmPort = Integer.parseInt(value);
        default -> usage();
      }
    }
    List<Simulator> running = new ArrayList<>();
    FhirSimulator fhir = FhirSimulator.start(port);
    running.add(fhir);
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      running.forEach(Simulator::close);
      stopped.countDown();
    }, "simulators-shutdown"));
    System.out.println("FHIR R4 simulator   " + fhir.baseUrl() + "   (control: " + fhir.controlUrl() + ")");

    // --- athenahealth, AdvancedMD, Veradigm (vendor-b, issue #3) ---
    AthenaSimulator athena = AthenaSimulator.builder().port(athenaPort).start();
    running.add(athena);
    System.out.println("athenahealth        FHIR " + athena.baseUrl() + "   v1 " + athena.apiUrl()
        + "   token " + athena.tokenUrl() + "   (control: " + athena.controlUrl() + ")");
    AdvancedMdSimulator advancedMd = AdvancedMdSimulator.builder().port(advancedMdPort).start();
    running.add(advancedMd);
    System.out.println("AdvancedMD          FHIR " + advancedMd.baseUrl() + "   partner login "
        + advancedMd.partnerLoginUrl() + "   (control: " + advancedMd.controlUrl() + ")");
    VeradigmSimulator veradigm = VeradigmSimulator.builder().port(veradigmPort).start();
    running.add(veradigm);
    System.out.println("Veradigm            FHIR " + veradigm.baseUrl() + "   Unity " + veradigm.unityUrl()
        + "   token " + veradigm.tokenUrl() + "   (control: " + veradigm.controlUrl() + ")");
    // --- end vendor-b ---

    System.out.println("Ready. Stop with Ctrl-C.");
    stopped.await();
  }

  private static void usage() {
    System.err.println("usage: SimulatorsMain [--port N] [--athena-port N] [--advancedmd-port N] [--veradigm-port N]");
    System.exit(2);
  }
}
