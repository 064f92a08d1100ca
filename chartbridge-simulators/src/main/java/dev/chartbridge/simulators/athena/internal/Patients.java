package dev.chartbridge.simulators.athena.internal;

import dev.chartbridge.simulators.athena.AthenaSeed;
import dev.chartbridge.simulators.vendorkit.SeedPerson;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The practice's patients: the seed ones plus those created by {@code POST /patients}. Thread-safe.
 */
public final class Patients {

  private final Map<String, SeedPerson> patients = new LinkedHashMap<>();
  private long lastId = 39000;

  public Patients() {
    reset();
  }

  public synchronized void reset() {
    patients.clear();
    AthenaSeed.PATIENTS.entrySet().stream().sorted(Map.Entry.comparingByKey())
        .forEach(e -> patients.put(e.getKey(), e.getValue()));
    lastId = 39000;
  }

  public synchronized Optional<SeedPerson> find(String id) {
    return Optional.ofNullable(patients.get(id));
  }

  public synchronized List<Map.Entry<String, SeedPerson>> all() {
    return List.copyOf(patients.entrySet());
  }

  /**
   * athena's "best match" on create: an existing patient with the same last name and date of birth and
   * the same first letter of the first name is returned instead of a new one (the wrong-patient risk).
   *
   * @return {existing or new id, "existing" or "created"}
   */
  public synchronized String[] createOrMatch(SeedPerson wanted) {
    for (Map.Entry<String, SeedPerson> e : patients.entrySet()) {
      SeedPerson p = e.getValue();
      if (p.family().equalsIgnoreCase(wanted.family()) && p.birthDate().equals(wanted.birthDate())
          && Character.toLowerCase(p.given().charAt(0)) == Character.toLowerCase(wanted.given().charAt(0))) {
        return new String[] {e.getKey(), "existing"};
      }
    }
    String id = Long.toString(++lastId);
    patients.put(id, wanted);
    return new String[] {id, "created"};
  }
}
