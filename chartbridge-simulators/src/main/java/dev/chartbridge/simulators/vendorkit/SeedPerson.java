package dev.chartbridge.simulators.vendorkit;

import java.util.List;

/**
 * The people every vendor simulator is seeded with, the same as the generic simulator's
 * ({@code fhir.SeedData}): Maria Garcia 1001, Mario Garcia 1002 (confusable), James Smith 1003 and two
 * Lee Chens sharing MRN 2000. Each vendor gives them ids in its own style.
 *
 * @param gender FHIR code: {@code female} or {@code male}
 * @param birthDate ISO date
 */
public record SeedPerson(String mrn, String family, String given, String gender, String birthDate) {

  public static final SeedPerson MARIA = new SeedPerson("1001", "Garcia", "Maria", "female", "1980-04-12");
  public static final SeedPerson MARIO = new SeedPerson("1002", "Garcia", "Mario", "male", "1980-04-21");
  public static final SeedPerson JAMES = new SeedPerson("1003", "Smith", "James", "male", "1975-09-30");
  public static final SeedPerson LEE_A = new SeedPerson("2000", "Chen", "Lee", "male", "1990-01-15");
  public static final SeedPerson LEE_B = new SeedPerson("2000", "Chen", "Lee", "female", "1992-06-03");

  /** In seed order. */
  public static final List<SeedPerson> ALL = List.of(MARIA, MARIO, JAMES, LEE_A, LEE_B);

  /** Ada Park's NPI. */
  public static final String NPI_ADA = "1234567893";
  /** Samuel Okafor's NPI. */
  public static final String NPI_SAMUEL = "1245319599";
}
