package dev.chartbridge.simulators;

import dev.chartbridge.simulators.advancedmd.AdvancedMdSimulator;
import dev.chartbridge.simulators.athena.AthenaSimulator;
import dev.chartbridge.simulators.ecw.EcwSimulator;
import dev.chartbridge.simulators.epic.EpicSimulator;
import dev.chartbridge.simulators.fhir.FhirSimulator;
import dev.chartbridge.simulators.veradigm.VeradigmSimulator;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;

/**
 * Runs the six simulators on 127.0.0.1 until the process is killed, printing their base URLs.
 * Usage: {@code SimulatorsMain [--port N] [--epic-port N] [--athena-port N] [--ecw-port N]
 * [--advancedmd-port N] [--veradigm-port N]} ({@code --port} for the generic FHIR simulator; each default is a
 * free port).
 */
public final class SimulatorsMain {
  private static final Set<String> OPTIONS = Set.of("--port", "--epic-port", "--athena-port", "--ecw-port",
      "--advancedmd-port", "--veradigm-port");

  private SimulatorsMain() {}

  public static void main(String[] args) throws InterruptedException {
    Map<String, Integer> ports = new HashMap<>();
    for (int i = 0; i < args.length; i++) {
      String[] option = args[i].split("=", 2);
      String value = option.length == 2 ? option[1] : i + 1 < args.length ? args[++i] : null;
      if (value == null || !OPTIONS.contains(option[0])) {
        System.err.println("usage: SimulatorsMain [--port N] [--epic-port N] [--athena-port N] [--ecw-port N]"
            + " [--advancedmd-port N] [--veradigm-port N]");
        System.exit(2);
      }
      ports.put(option[0], Integer.parseInt(value));
    }
    List<Simulator> running = new ArrayList<>();
    FhirSimulator fhir = FhirSimulator.start(ports.getOrDefault("--port", 0));
    running.add(fhir);
    EpicSimulator epic = EpicSimulator.start(ports.getOrDefault("--epic-port", 0));
    running.add(epic);
    AthenaSimulator athena = AthenaSimulator.builder().port(ports.getOrDefault("--athena-port", 0)).start();
    running.add(athena);
    EcwSimulator ecw = EcwSimulator.start(ports.getOrDefault("--ecw-port", 0));
    running.add(ecw);
    AdvancedMdSimulator advancedMd =
        AdvancedMdSimulator.builder().port(ports.getOrDefault("--advancedmd-port", 0)).start();
    running.add(advancedMd);
    VeradigmSimulator veradigm = VeradigmSimulator.builder().port(ports.getOrDefault("--veradigm-port", 0)).start();
    running.add(veradigm);
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      running.forEach(Simulator::close);
      stopped.countDown();
    }, "simulators-shutdown"));

    System.out.println("FHIR R4 simulator   " + fhir.baseUrl() + "   (control: " + fhir.controlUrl() + ")");
    System.out.println("Epic                FHIR " + epic.baseUrl() + "   token " + epic.tokenUrl()
        + "   (control: " + epic.controlUrl() + ")");
    System.out.println("athenahealth        FHIR " + athena.baseUrl() + "   v1 " + athena.apiUrl()
        + "   token " + athena.tokenUrl() + "   (control: " + athena.controlUrl() + ")");
    System.out.println("eClinicalWorks      FHIR " + ecw.baseUrl() + "   token " + ecw.tokenUrl()
        + "   (control: " + ecw.controlUrl() + ")");
    System.out.println("AdvancedMD          FHIR " + advancedMd.baseUrl() + "   partner login "
        + advancedMd.partnerLoginUrl() + "   (control: " + advancedMd.controlUrl() + ")");
    System.out.println("Veradigm            FHIR " + veradigm.baseUrl() + "   Unity " + veradigm.unityUrl()
        + "   token " + veradigm.tokenUrl() + "   (control: " + veradigm.controlUrl() + ")");
    System.out.println("Credentials and seed data: docs/simulators.md. Ready. Stop with Ctrl-C.");
    stopped.await();
  }
}
