package dev.chartbridge.simulators.ecw;

import dev.chartbridge.simulators.fhir.SeedData;
import dev.chartbridge.simulators.fhir.internal.SeedRewriter;
import java.util.List;
import java.util.Map;
import org.hl7.fhir.r4.model.Resource;

/**
 * The records every {@link EcwSimulator} starts with: the people of {@link SeedData} under eCW-style ids
 * in one practice. eCW's real identifier systems are not in the project's sources, so the systems here
 * are the simulator's own ({@code urn:chartbridge:sim:ecw:...}). Constants. A generated population
 * ({@link SeedData#population(int)}, on request) gets ids the same way: patient {@code ecwpat{mrn}}, account
 * {@code {mrn}}, open encounter {@code ecwenc{mrn}} with encounter id {@code {mrn}}.
 */
public final class EcwSeed {

  /** The practice code in the FHIR base URL, {@code /fhir/r4/{practice_code}}. */
  public static final String PRACTICE_CODE = "CHBRDG";

  /** Patient account number (eCW's MRN). */
  public static final String ACCOUNT_SYSTEM = "urn:chartbridge:sim:ecw:account-number";
  /** Encounter id as eCW shows it. */
  public static final String ENCOUNTER_SYSTEM = "urn:chartbridge:sim:ecw:encounter-id";

  /** Maria Garcia, account 1001. */
  public static final String PATIENT_MARIA = "ecwpat1001";
  /** Mario Garcia, account 1002: confusable with Maria. */
  public static final String PATIENT_MARIO = "ecwpat1002";
  /** James Smith, account 1003. */
  public static final String PATIENT_JAMES = "ecwpat1003";
  /** Lee Chen, account 2000 (shared). */
  public static final String PATIENT_LEE_A = "ecwpat2000a";
  /** Lee Chen, account 2000 (shared). */
  public static final String PATIENT_LEE_B = "ecwpat2000b";

  public static final String ACCOUNT_MARIA = SeedData.MRN_MARIA;
  public static final String ACCOUNT_AMBIGUOUS = SeedData.MRN_AMBIGUOUS;

  /** Maria's open (in-progress) encounter. */
  public static final String ENCOUNTER_MARIA_OPEN = "ecwenc5001";
  /** Maria's finished encounter: locked, writes referring to it get 139. */
  public static final String ENCOUNTER_MARIA_LOCKED = "ecwenc5002";
  public static final String ENCOUNTER_MARIO_OPEN = "ecwenc5003";
  public static final String ENCOUNTER_JAMES_OPEN = "ecwenc5004";

  public static final String PRACTITIONER_ADA = "ecwprov1";
  public static final String PRACTITIONER_SAMUEL = "ecwprov2";

  private static final SeedRewriter REWRITER = new SeedRewriter(Map.ofEntries(
      Map.entry(SeedData.PATIENT_MARIA, PATIENT_MARIA),
      Map.entry(SeedData.PATIENT_MARIO, PATIENT_MARIO),
      Map.entry(SeedData.PATIENT_JAMES, PATIENT_JAMES),
      Map.entry(SeedData.PATIENT_LEE_A, PATIENT_LEE_A),
      Map.entry(SeedData.PATIENT_LEE_B, PATIENT_LEE_B),
      Map.entry(SeedData.ENCOUNTER_MARIA_OPEN, ENCOUNTER_MARIA_OPEN),
      Map.entry(SeedData.ENCOUNTER_MARIA_FINISHED, ENCOUNTER_MARIA_LOCKED),
      Map.entry(SeedData.ENCOUNTER_MARIO_OPEN, ENCOUNTER_MARIO_OPEN),
      Map.entry(SeedData.ENCOUNTER_JAMES_OPEN, ENCOUNTER_JAMES_OPEN),
      Map.entry(SeedData.PRACTITIONER_ADA, PRACTITIONER_ADA),
      Map.entry(SeedData.PRACTITIONER_SAMUEL, PRACTITIONER_SAMUEL)),
      SeedRewriter.identifiers(ACCOUNT_SYSTEM, ENCOUNTER_SYSTEM, number -> number), generated -> "ecw" + generated.replace("-", ""));

  private EcwSeed() {}

  /** Fresh instances of every seed resource. */
  public static List<Resource> resources() {
    return REWRITER.resources();
  }

  /** Fresh instances of every seed resource and of a generated population of {@code population} patients. */
  public static List<Resource> resources(int population) {
    return REWRITER.resources(population);
  }
}
