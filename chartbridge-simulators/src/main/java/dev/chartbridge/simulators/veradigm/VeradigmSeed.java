package dev.chartbridge.simulators.veradigm;

import dev.chartbridge.simulators.vendorkit.SeedPerson;
import java.util.Map;

/**
 * Seed ids and credentials of {@link VeradigmSimulator}: numeric Unity patient, encounter and provider ids
 * (the same ids on FHIR), Unity service credentials and an EHR user, and a FHIR client. Constants only.
 */
public final class VeradigmSeed {

  /** Unity service account (GetToken). */
  public static final String UNITY_USERNAME = "CBUNITY";
  public static final String UNITY_PASSWORD = "unity-secret";
  /** The registered Unity application name; every MagicJson call must carry it. */
  public static final String APP_NAME = "ChartBridge.Gateway";
  /** The EHR user on whose behalf Unity writes ({@code AppUserID}), bound to a token by GetUserAuthentication. */
  public static final String APP_USER = "cbgateway";
  /** The EHR user's own password (GetUserAuthentication Parameter1), separate from the service account's. */
  public static final String APP_USER_PASSWORD = "ehr-user-secret";

  /** FHIR client (client_credentials with client secret). */
  public static final String FHIR_CLIENT_ID = "chartbridge-veradigm";
  public static final String FHIR_CLIENT_SECRET = "veradigm-secret";
  /** System of the MRN identifier on FHIR Patients. */
  public static final String MRN_SYSTEM = "urn:chartbridge:sim:veradigm:mrn";

  public static final String PATIENT_MARIA = "10101";
  public static final String PATIENT_MARIO = "10102";
  public static final String PATIENT_JAMES = "10103";
  public static final String PATIENT_LEE_A = "10104";
  public static final String PATIENT_LEE_B = "10105";

  /** Maria's encounter. */
  public static final String ENCOUNTER_MARIA_OPEN = "20201";
  /** Maria's earlier encounter. */
  public static final String ENCOUNTER_MARIA_CLOSED = "20202";
  public static final String ENCOUNTER_MARIO_OPEN = "20203";
  public static final String ENCOUNTER_JAMES_OPEN = "20204";

  /** Ada Park, NPI 1234567893. */
  public static final String PROVIDER_ADA = "301";
  /** Samuel Okafor, NPI 1245319599. */
  public static final String PROVIDER_SAMUEL = "302";

  public static final Map<String, SeedPerson> PATIENTS = Map.of(
      PATIENT_MARIA, SeedPerson.MARIA, PATIENT_MARIO, SeedPerson.MARIO, PATIENT_JAMES, SeedPerson.JAMES,
      PATIENT_LEE_A, SeedPerson.LEE_A, PATIENT_LEE_B, SeedPerson.LEE_B);

  /** Encounter id to {patient id, "Open" or "Closed"} (the status is the FHIR side's; Unity rows show none). */
  public static final Map<String, String[]> ENCOUNTERS = Map.of(
      ENCOUNTER_MARIA_OPEN, new String[] {PATIENT_MARIA, "Open"},
      ENCOUNTER_MARIA_CLOSED, new String[] {PATIENT_MARIA, "Closed"},
      ENCOUNTER_MARIO_OPEN, new String[] {PATIENT_MARIO, "Open"},
      ENCOUNTER_JAMES_OPEN, new String[] {PATIENT_JAMES, "Open"});

  private VeradigmSeed() {}
}
