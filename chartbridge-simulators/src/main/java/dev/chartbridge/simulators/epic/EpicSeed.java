package dev.chartbridge.simulators.epic;

import dev.chartbridge.simulators.fhir.SeedData;
import dev.chartbridge.simulators.fhir.internal.SeedRewriter;
import java.util.List;
import java.util.Map;
import org.hl7.fhir.r4.model.Resource;

/**
 * The records every {@link EpicSimulator} starts with: the people of {@link SeedData} under Epic-style
 * opaque FHIR ids, Epic-style MRN and CSN identifier systems (OIDs under Epic's root
 * {@code 1.2.840.114350}; the exact OIDs vary per health system, these are the simulator's). Constants.
 */
public final class EpicSeed {

  /** MRN identifier system. */
  public static final String MRN_SYSTEM = "urn:oid:1.2.840.114350.1.13.0.1.7.5.737384.14";
  /** Encounter CSN (contact serial number) identifier system. */
  public static final String CSN_SYSTEM = "urn:oid:1.2.840.114350.1.13.0.1.7.3.698084.8";
  /** NPI, as everywhere. */
  public static final String NPI_SYSTEM = SeedData.NPI_SYSTEM;

  /** Maria Garcia, female, 1980-04-12, MRN {@link SeedData#MRN_MARIA 1001}. */
  public static final String PATIENT_MARIA = "eMaria.Garcia-1001.A3";
  /** Mario Garcia, male, 1980-04-21, MRN 1002: confusable with Maria. */
  public static final String PATIENT_MARIO = "eMario.Garcia-1002.B7";
  /** James Smith, male, 1975-09-30, MRN 1003. */
  public static final String PATIENT_JAMES = "eJames.Smith-1003.C1";
  /** Lee Chen, male, 1990-01-15, MRN 2000 (shared). */
  public static final String PATIENT_LEE_A = "eLee.Chen-2000.D4";
  /** Lee Chen, female, 1992-06-03, MRN 2000 (shared). */
  public static final String PATIENT_LEE_B = "eLee.Chen-2000.E9";

  public static final String MRN_MARIA = SeedData.MRN_MARIA;
  public static final String MRN_MARIO = SeedData.MRN_MARIO;
  public static final String MRN_JAMES = SeedData.MRN_JAMES;
  public static final String MRN_AMBIGUOUS = SeedData.MRN_AMBIGUOUS;

  /** Maria's in-progress encounter, CSN {@link #CSN_MARIA_OPEN}. */
  public static final String ENCOUNTER_MARIA_OPEN = "eEnc.5001.Zq";
  /** Maria's finished encounter, CSN {@link #CSN_MARIA_FINISHED}. */
  public static final String ENCOUNTER_MARIA_FINISHED = "eEnc.5002.Zr";
  /** Mario's in-progress encounter. */
  public static final String ENCOUNTER_MARIO_OPEN = "eEnc.5003.Zs";
  /** James's in-progress encounter. */
  public static final String ENCOUNTER_JAMES_OPEN = "eEnc.5004.Zt";
  public static final String CSN_MARIA_OPEN = "200005001";
  public static final String CSN_MARIA_FINISHED = "200005002";
  public static final String CSN_MARIO_OPEN = "200005003";
  public static final String CSN_JAMES_OPEN = "200005004";

  /** Ada Park, NPI {@link SeedData#NPI_ADA}. */
  public static final String PRACTITIONER_ADA = "eAda.Park.P1";
  /** Samuel Okafor, NPI {@link SeedData#NPI_SAMUEL}. */
  public static final String PRACTITIONER_SAMUEL = "eSamuel.Okafor.P2";

  /** Author given to a note created without one ("filed under the background user"). */
  public static final String BACKGROUND_USER = "EPIC, BACKGROUND USER";

  private static final SeedRewriter REWRITER = new SeedRewriter(Map.ofEntries(
      Map.entry(SeedData.PATIENT_MARIA, PATIENT_MARIA),
      Map.entry(SeedData.PATIENT_MARIO, PATIENT_MARIO),
      Map.entry(SeedData.PATIENT_JAMES, PATIENT_JAMES),
      Map.entry(SeedData.PATIENT_LEE_A, PATIENT_LEE_A),
      Map.entry(SeedData.PATIENT_LEE_B, PATIENT_LEE_B),
      Map.entry(SeedData.ENCOUNTER_MARIA_OPEN, ENCOUNTER_MARIA_OPEN),
      Map.entry(SeedData.ENCOUNTER_MARIA_FINISHED, ENCOUNTER_MARIA_FINISHED),
      Map.entry(SeedData.ENCOUNTER_MARIO_OPEN, ENCOUNTER_MARIO_OPEN),
      Map.entry(SeedData.ENCOUNTER_JAMES_OPEN, ENCOUNTER_JAMES_OPEN),
      Map.entry(SeedData.PRACTITIONER_ADA, PRACTITIONER_ADA),
      Map.entry(SeedData.PRACTITIONER_SAMUEL, PRACTITIONER_SAMUEL)),
      // visit V5001 becomes CSN 200005001
      SeedRewriter.identifiers(MRN_SYSTEM, CSN_SYSTEM, number -> "20000" + number));

  private EpicSeed() {}

  /** Fresh instances of every seed resource. */
  public static List<Resource> resources() {
    return REWRITER.resources();
  }
}
