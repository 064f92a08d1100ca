package dev.chartbridge.simulators.advancedmd;

import dev.chartbridge.simulators.vendorkit.SeedPerson;
import java.util.Map;

/**
 * Seed ids and credentials of {@link AdvancedMdSimulator}, in AdvancedMD's style: an office key, patient ids
 * {@code pat…} with the MRN as chart number, visit ids {@code vst…}, provider ids {@code prof…}. The people
 * are {@link SeedPerson}'s. Constants only.
 */
public final class AdvancedMdSeed {

  /** The practice's office key (also the FHIR org id in {@code /v1/r4/{org-id}}). */
  public static final String OFFICE_KEY = "991234";
  public static final String USERNAME = "CBAPI";
  public static final String PASSWORD = "amd-secret";
  /** The registered application name; part of the {@code webserver} URL the partner login returns. */
  public static final String APP_NAME = "CHARTBRIDGE";
  /** The practice's time zone: msgtime and note times are its local time. */
  public static final String TIME_ZONE = "America/Denver";
  /** The practice's EHR note template, and its two fields. */
  public static final String NOTE_TEMPLATE_ID = "100044028";
  public static final String NOTE_TEMPLATE_NAME = "PROGRESS NOTE";
  public static final String NOTE_FIELD_TEXT = "Note";
  public static final String NOTE_FIELD_TITLE = "Title";
  /** System of the chart-number identifier on FHIR Patients. */
  public static final String CHART_SYSTEM = "urn:chartbridge:sim:advancedmd:chart";

  public static final String PATIENT_MARIA = "pat70001";
  public static final String PATIENT_MARIO = "pat70002";
  public static final String PATIENT_JAMES = "pat70003";
  public static final String PATIENT_LEE_A = "pat70004";
  public static final String PATIENT_LEE_B = "pat70005";

  /** Maria's open visit. */
  public static final String VISIT_MARIA_OPEN = "vst80001";
  /** Maria's second visit. */
  public static final String VISIT_MARIA_CLOSED = "vst80002";
  public static final String VISIT_MARIO_OPEN = "vst80003";
  public static final String VISIT_JAMES_OPEN = "vst80004";

  /** Ada Park, NPI 1234567893. */
  public static final String PROVIDER_ADA = "prof1";
  /** Samuel Okafor, NPI 1245319599. */
  public static final String PROVIDER_SAMUEL = "prof2";

  /** Patient id to person, in seed order. */
  public static final Map<String, SeedPerson> PATIENTS = Map.of(
      PATIENT_MARIA, SeedPerson.MARIA, PATIENT_MARIO, SeedPerson.MARIO, PATIENT_JAMES, SeedPerson.JAMES,
      PATIENT_LEE_A, SeedPerson.LEE_A, PATIENT_LEE_B, SeedPerson.LEE_B);

  /** Visit id to {patient id, status ("open" or "closed")}. */
  public static final Map<String, String[]> VISITS = Map.of(
      VISIT_MARIA_OPEN, new String[] {PATIENT_MARIA, "open"},
      VISIT_MARIA_CLOSED, new String[] {PATIENT_MARIA, "closed"},
      VISIT_MARIO_OPEN, new String[] {PATIENT_MARIO, "open"},
      VISIT_JAMES_OPEN, new String[] {PATIENT_JAMES, "open"});

  private AdvancedMdSeed() {}
}
