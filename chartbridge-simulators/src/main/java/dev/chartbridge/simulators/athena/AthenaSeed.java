package dev.chartbridge.simulators.athena;

import dev.chartbridge.simulators.vendorkit.SeedPerson;
import java.util.Map;

/**
 * Seed ids and credentials of {@link AthenaSimulator}, in athenahealth's style: numeric practice,
 * department, patient, encounter and provider ids (the same ids on FHIR, where athena prefixes them; here
 * they are used bare). The people are {@link SeedPerson}'s. Constants only.
 */
public final class AthenaSeed {

  /** athena's well-known preview practice id. */
  public static final String PRACTICE_ID = "195900";
  public static final String DEPARTMENT_ID = "1";
  /** A second department of the practice (athena practices have several; ehr-vendors.md Addendum). */
  public static final String DEPARTMENT_ID_EAST = "162";
  /** The practice's patient custom field that holds the MRN (athena has no MRN filter on GET /patients). */
  public static final String MRN_CUSTOM_FIELD_ID = "1201";
  /** Client registered for 2-legged client_credentials with a client secret. */
  public static final String CLIENT_ID = "chartbridge-athena";
  public static final String CLIENT_SECRET = "athena-secret";
  /** Scope of the proprietary (athenaOne v1) API. */
  public static final String MDP_SCOPE = "athena/service/Athenanet.MDP.*";
  /** System of the MRN identifier on FHIR Patients. */
  public static final String MRN_SYSTEM = "urn:chartbridge:sim:athena:mrn";

  public static final String PATIENT_MARIA = "31001";
  public static final String PATIENT_MARIO = "31002";
  public static final String PATIENT_JAMES = "31003";
  public static final String PATIENT_LEE_A = "31004";
  public static final String PATIENT_LEE_B = "31005";

  /** Maria's open encounter. */
  public static final String ENCOUNTER_MARIA_OPEN = "45001";
  /** Maria's closed encounter. */
  public static final String ENCOUNTER_MARIA_CLOSED = "45002";
  public static final String ENCOUNTER_MARIO_OPEN = "45003";
  public static final String ENCOUNTER_JAMES_OPEN = "45004";

  /** Ada Park, NPI 1234567893. */
  public static final String PROVIDER_ADA = "71";
  /** Samuel Okafor, NPI 1245319599. */
  public static final String PROVIDER_SAMUEL = "72";

  public static final Map<String, SeedPerson> PATIENTS = Map.of(
      PATIENT_MARIA, SeedPerson.MARIA, PATIENT_MARIO, SeedPerson.MARIO, PATIENT_JAMES, SeedPerson.JAMES,
      PATIENT_LEE_A, SeedPerson.LEE_A, PATIENT_LEE_B, SeedPerson.LEE_B);

  /** Encounter id to {patient id, status "OPEN" or "CLOSED", department id}. */
  public static final Map<String, String[]> ENCOUNTERS = Map.of(
      ENCOUNTER_MARIA_OPEN, new String[] {PATIENT_MARIA, "OPEN", DEPARTMENT_ID},
      ENCOUNTER_MARIA_CLOSED, new String[] {PATIENT_MARIA, "CLOSED", DEPARTMENT_ID},
      ENCOUNTER_MARIO_OPEN, new String[] {PATIENT_MARIO, "OPEN", DEPARTMENT_ID_EAST},
      ENCOUNTER_JAMES_OPEN, new String[] {PATIENT_JAMES, "OPEN", DEPARTMENT_ID});

  /**
   * The allergen reference ({@code GET /reference/allergies}): athena's own allergen ids and names. Two
   * entries share a name on purpose (an ambiguous lookup); the ids are in athena's style, numeric.
   */
  public static final Map<String, String> ALLERGENS = Map.of(
      "14041", "asparaginase", "24640", "Aspercreme with Aloe", "10831", "Penicillin G",
      "10832", "Penicillin V", "18939", "latex", "24443", "Latex, Natural Rubber",
      "21190", "Sulfamethoxazole", "31190", "Codeine", "31191", "Codeine");

  /**
   * The medication reference ({@code GET /reference/medications}): athena's own medication ids, which are not
   * RxNorm codes. Two entries share a name on purpose (an ambiguous lookup).
   */
  public static final Map<String, String> MEDICATIONS = Map.of(
      "299001", "lisinopril 10 mg oral tablet", "299002", "lisinopril 10 mg tablet",
      "299003", "lisinopril 20 mg oral tablet", "236346", "Plavix 75 mg tablet",
      "299644", "ibuprofen", "328474", "ibuprofen (bulk)",
      "310001", "metformin 500 mg oral tablet", "310002", "metformin 500 mg oral tablet");

  private AthenaSeed() {}
}
