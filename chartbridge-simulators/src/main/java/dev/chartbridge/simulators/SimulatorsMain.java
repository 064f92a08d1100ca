package dev.chartbridge.simulators;

import dev.chartbridge.simulators.advancedmd.AdvancedMdSeed;
import dev.chartbridge.simulators.advancedmd.AdvancedMdSimulator;
import dev.chartbridge.simulators.athena.AthenaSeed;
import dev.chartbridge.simulators.athena.AthenaSimulator;
import dev.chartbridge.simulators.ecw.EcwSimulator;
import dev.chartbridge.simulators.epic.EpicSimulator;
import dev.chartbridge.simulators.fhir.FhirSimulator;
import dev.chartbridge.simulators.veradigm.VeradigmSeed;
import dev.chartbridge.simulators.veradigm.VeradigmSimulator;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

/**
 * Runs the six simulators on 127.0.0.1 until the process is killed, printing their base URLs and the credentials
 * their seed data registers. Usage: {@code SimulatorsMain [--port N] [--epic-port N] [--athena-port N]
 * [--ecw-port N] [--advancedmd-port N] [--veradigm-port N] [--population N]}. {@code --port N} puts the generic FHIR
 * simulator on N and the others, in the order printed, on N+1 ... N+5 unless their own option says otherwise;
 * without it each takes a free port. {@code --population N} adds N generated patients, each with an open encounter,
 * to the generic FHIR simulator's seed ({@code SeedData.population}).
 */
public final class SimulatorsMain {
  /** The vendor simulators' port options, in the order they are started and printed. */
  private static final List<String> VENDOR_OPTIONS = List.of("--epic-port", "--athena-port", "--ecw-port",
      "--advancedmd-port", "--veradigm-port");

  private SimulatorsMain() {}

  public static void main(String[] args) throws InterruptedException {
    Map<String, Integer> ports = new HashMap<>();
    for (int i = 0; i < args.length; i++) {
      String[] option = args[i].split("=", 2);
      String value = option.length == 2 ? option[1] : i + 1 < args.length ? args[++i] : null;
      if (value == null || !(option[0].equals("--port") || option[0].equals("--population")
          || VENDOR_OPTIONS.contains(option[0]))) {
        System.err.println("usage: SimulatorsMain [--port N] [--epic-port N] [--athena-port N] [--ecw-port N]"
            + " [--advancedmd-port N] [--veradigm-port N] [--population N]");
        System.exit(2);
      }
      ports.put(option[0], Integer.parseInt(value));
    }
    Integer base = ports.get("--port");
    for (int i = 0; i < VENDOR_OPTIONS.size() && base != null && base != 0; i++) {
      ports.putIfAbsent(VENDOR_OPTIONS.get(i), base + i + 1);
    }
    List<Simulator> running = new ArrayList<>();
    FhirSimulator fhir =
        FhirSimulator.start(ports.getOrDefault("--port", 0), ports.getOrDefault("--population", 0));
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
    System.out.println("Credentials (seeded; details and seed patients in docs/simulators.md):");
    System.out.println("  FHIR R4         none (open server)");
    System.out.println("  Epic, eCW       RS384 private_key_jwt: register your client and its JWKS URL with"
        + " POST {control}/clients, or get a token without one from POST {control}/tokens");
    System.out.println("  athenahealth    client " + AthenaSeed.CLIENT_ID + " / secret " + AthenaSeed.CLIENT_SECRET
        + " (HTTP Basic), practice " + AthenaSeed.PRACTICE_ID);
    System.out.println("  AdvancedMD      user " + AdvancedMdSeed.USERNAME + " / password " + AdvancedMdSeed.PASSWORD
        + ", office key " + AdvancedMdSeed.OFFICE_KEY + ", app " + AdvancedMdSeed.APP_NAME);
    System.out.println("  Veradigm        Unity " + VeradigmSeed.UNITY_USERNAME + " / " + VeradigmSeed.UNITY_PASSWORD
        + ", app " + VeradigmSeed.APP_NAME + ", EHR user " + VeradigmSeed.APP_USER + " / " + VeradigmSeed.APP_USER_PASSWORD + "; FHIR client "
        + VeradigmSeed.FHIR_CLIENT_ID + " / " + VeradigmSeed.FHIR_CLIENT_SECRET);
    System.out.println("Ready. Stop with Ctrl-C.");
    stopped.await();
  }
}
