package dev.chartbridge.simulators.fhir;

import java.util.ArrayList;
import java.util.List;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.DateType;
import org.hl7.fhir.r4.model.Encounter;
import org.hl7.fhir.r4.model.Enumerations.AdministrativeGender;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Practitioner;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Resource;

/**
 * The fixed records every {@link FhirSimulator} starts with and returns to on reset: ids, identifiers and
 * names that tests and demos can refer to. Includes traps: two confusable patients (1001/1002) and one MRN
 * (2000) shared by two patients. Immutable constants; {@link #resources()} builds fresh objects each call.
 */
public final class SeedData {

  public static final String MRN_SYSTEM = "urn:chartbridge:sim:mrn";
  public static final String VISIT_SYSTEM = "urn:chartbridge:sim:visit";
  public static final String NPI_SYSTEM = "http://hl7.org/fhir/sid/us-npi";

  /** Maria Garcia, female, 1980-04-12, MRN 1001. */
  public static final String PATIENT_MARIA = "pat-1001";
  /** Mario Garcia, male, 1980-04-21, MRN 1002: deliberately confusable with {@link #PATIENT_MARIA}. */
  public static final String PATIENT_MARIO = "pat-1002";
  /** James Smith, male, 1975-09-30, MRN 1003. */
  public static final String PATIENT_JAMES = "pat-1003";
  /** Lee Chen, MRN 2000, which {@link #PATIENT_LEE_B} shares. */
  public static final String PATIENT_LEE_A = "pat-2000a";
  /** Lee Chen, MRN 2000, which {@link #PATIENT_LEE_A} shares. */
  public static final String PATIENT_LEE_B = "pat-2000b";

  public static final String MRN_MARIA = "1001";
  public static final String MRN_MARIO = "1002";
  public static final String MRN_JAMES = "1003";
  /** The ambiguous MRN: two patients carry it. */
  public static final String MRN_AMBIGUOUS = "2000";

  /** Maria's in-progress encounter, identifier V5001. */
  public static final String ENCOUNTER_MARIA_OPEN = "enc-5001";
  /** Maria's finished encounter, identifier V5002. */
  public static final String ENCOUNTER_MARIA_FINISHED = "enc-5002";
  /** Mario's in-progress encounter, identifier V5003. */
  public static final String ENCOUNTER_MARIO_OPEN = "enc-5003";
  /** James's in-progress encounter, identifier V5004. */
  public static final String ENCOUNTER_JAMES_OPEN = "enc-5004";

  /** Ada Park, NPI {@link #NPI_ADA}. */
  public static final String PRACTITIONER_ADA = "prac-1";
  /** Samuel Okafor, NPI {@link #NPI_SAMUEL}. */
  public static final String PRACTITIONER_SAMUEL = "prac-2";
  public static final String NPI_ADA = "1234567893";
  public static final String NPI_SAMUEL = "1245319599";

  /**
   * The MRN of the first patient of a generated population ({@link #population(int)}); patient {@code i} has MRN
   * {@code POPULATION_FIRST_MRN + i}, far from the named patients' MRNs.
   */
  public static final int POPULATION_FIRST_MRN = 100_000;
  /** The largest population {@link #population(int)} generates. */
  public static final int POPULATION_MAX = 899_999;

  private SeedData() {}

  /** The MRN of patient {@code i} (0-based) of a generated population. */
  public static String populationMrn(int i) {
    return Integer.toString(POPULATION_FIRST_MRN + i);
  }

  /** The visit identifier of the in-progress encounter of patient {@code i} of a generated population. */
  public static String populationVisit(int i) {
    return "V" + populationMrn(i);
  }

  /**
   * New instances of a generated population: {@code count} unambiguous patients (ids {@code pat-{mrn}}, MRNs from
   * {@link #populationMrn(int)}), each with one in-progress encounter ({@code enc-{mrn}}, visit
   * {@link #populationVisit(int)}). For load tests that need many patients; not part of {@link #resources()}.
   */
  public static List<Resource> population(int count) {
    if (count < 0 || count > POPULATION_MAX) {
      throw new IllegalArgumentException("a population has 0 to " + POPULATION_MAX + " patients, not " + count);
    }
    List<Resource> out = new ArrayList<>(2 * count);
    for (int i = 0; i < count; i++) {
      String mrn = populationMrn(i);
      out.add(patient("pat-" + mrn, mrn, "Population", "Patient" + i,
          i % 2 == 0 ? AdministrativeGender.FEMALE : AdministrativeGender.MALE,
          (1940 + i % 60) + "-0" + (1 + i % 9) + "-1" + (i % 10)));
      out.add(encounter("enc-" + mrn, "pat-" + mrn, Encounter.EncounterStatus.INPROGRESS, populationVisit(i)));
    }
    return out;
  }

  /** New instances of every seed resource, ids set, no meta (the store adds version 1). */
  public static List<Resource> resources() {
    return List.of(
        patient(PATIENT_MARIA, MRN_MARIA, "Garcia", "Maria", AdministrativeGender.FEMALE, "1980-04-12"),
        patient(PATIENT_MARIO, MRN_MARIO, "Garcia", "Mario", AdministrativeGender.MALE, "1980-04-21"),
        patient(PATIENT_JAMES, MRN_JAMES, "Smith", "James", AdministrativeGender.MALE, "1975-09-30"),
        patient(PATIENT_LEE_A, MRN_AMBIGUOUS, "Chen", "Lee", AdministrativeGender.MALE, "1990-01-15"),
        patient(PATIENT_LEE_B, MRN_AMBIGUOUS, "Chen", "Lee", AdministrativeGender.FEMALE, "1992-06-03"),
        encounter(ENCOUNTER_MARIA_OPEN, PATIENT_MARIA, Encounter.EncounterStatus.INPROGRESS, "V5001"),
        encounter(ENCOUNTER_MARIA_FINISHED, PATIENT_MARIA, Encounter.EncounterStatus.FINISHED, "V5002"),
        encounter(ENCOUNTER_MARIO_OPEN, PATIENT_MARIO, Encounter.EncounterStatus.INPROGRESS, "V5003"),
        encounter(ENCOUNTER_JAMES_OPEN, PATIENT_JAMES, Encounter.EncounterStatus.INPROGRESS, "V5004"),
        practitioner(PRACTITIONER_ADA, NPI_ADA, "Park", "Ada"),
        practitioner(PRACTITIONER_SAMUEL, NPI_SAMUEL, "Okafor", "Samuel"));
  }

  private static Patient patient(
      String id, String mrn, String family, String given, AdministrativeGender gender, String birthDate) {
    Patient patient = new Patient();
    patient.setId(id);
    patient.addIdentifier().setSystem(MRN_SYSTEM).setValue(mrn);
    patient.addName().setFamily(family).addGiven(given);
    patient.setGender(gender);
    patient.setBirthDateElement(new DateType(birthDate));
    return patient;
  }

  private static Encounter encounter(String id, String patientId, Encounter.EncounterStatus status, String visit) {
    Encounter encounter = new Encounter();
    encounter.setId(id);
    encounter.addIdentifier().setSystem(VISIT_SYSTEM).setValue(visit);
    encounter.setStatus(status);
    encounter.setClass_(new Coding("http://terminology.hl7.org/CodeSystem/v3-ActCode", "AMB", "ambulatory"));
    encounter.setSubject(new Reference("Patient/" + patientId));
    return encounter;
  }

  private static Practitioner practitioner(String id, String npi, String family, String given) {
    Practitioner practitioner = new Practitioner();
    practitioner.setId(id);
    practitioner.addIdentifier().setSystem(NPI_SYSTEM).setValue(npi);
    practitioner.addName().setFamily(family).addGiven(given);
    return practitioner;
  }
}
