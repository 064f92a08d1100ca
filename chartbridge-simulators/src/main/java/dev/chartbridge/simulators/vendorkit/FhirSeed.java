package dev.chartbridge.simulators.vendorkit;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Builds seed FHIR resources as JSON for {@link CapabilityFhirServlet}. Stateless. */
public final class FhirSeed {

  public static final String NPI_SYSTEM = "http://hl7.org/fhir/sid/us-npi";
  private static final ObjectMapper JSON = new ObjectMapper();

  private FhirSeed() {}

  /**
   * The FHIR side of a vendor seed: its patients (by id, MRN under {@code mrnSystem}), then its encounters (by
   * id; {patient id, vendor status}, where {@code openStatus} is {@code in-progress} and any other
   * {@code finished}), then Ada Park and Samuel Okafor under the vendor's provider ids.
   */
  public static List<ObjectNode> resources(Map<String, SeedPerson> patients, String mrnSystem,
      Map<String, String[]> encounters, String openStatus, String providerAda, String providerSamuel) {
    List<ObjectNode> out = new ArrayList<>();
    new TreeMap<>(patients).forEach((id, person) -> out.add(patient(id, mrnSystem, person)));
    new TreeMap<>(encounters).forEach((id, e) ->
        out.add(encounter(id, e[0], e[1].equals(openStatus) ? "in-progress" : "finished")));
    out.add(practitioner(providerAda, SeedPerson.NPI_ADA, "Park", "Ada"));
    out.add(practitioner(providerSamuel, SeedPerson.NPI_SAMUEL, "Okafor", "Samuel"));
    return out;
  }

  public static ObjectNode patient(String id, String mrnSystem, SeedPerson person) {
    ObjectNode p = JSON.createObjectNode().put("resourceType", "Patient").put("id", id);
    p.putArray("identifier").addObject().put("system", mrnSystem).put("value", person.mrn());
    ObjectNode name = p.putArray("name").addObject().put("family", person.family());
    name.putArray("given").add(person.given());
    return p.put("gender", person.gender()).put("birthDate", person.birthDate());
  }

  /** @param status FHIR Encounter status, e.g. {@code in-progress} or {@code finished} */
  public static ObjectNode encounter(String id, String patientId, String status) {
    ObjectNode e = JSON.createObjectNode().put("resourceType", "Encounter").put("id", id).put("status", status);
    e.putObject("class").put("system", "http://terminology.hl7.org/CodeSystem/v3-ActCode").put("code", "AMB");
    e.putObject("subject").put("reference", "Patient/" + patientId);
    return e;
  }

  public static ObjectNode practitioner(String id, String npi, String family, String given) {
    ObjectNode p = JSON.createObjectNode().put("resourceType", "Practitioner").put("id", id);
    p.putArray("identifier").addObject().put("system", NPI_SYSTEM).put("value", npi);
    p.putArray("name").addObject().put("family", family).putArray("given").add(given);
    return p;
  }
}
