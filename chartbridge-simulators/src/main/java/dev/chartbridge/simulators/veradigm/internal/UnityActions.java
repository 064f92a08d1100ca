package dev.chartbridge.simulators.veradigm.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.chartbridge.simulators.vendorkit.ChartStore;
import dev.chartbridge.simulators.vendorkit.SeedPerson;
import dev.chartbridge.simulators.veradigm.VeradigmSeed;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The simulated Unity Magic actions. Each save action maps {@code Parameter1..6} (and {@code Data} for
 * SaveDocumentImage) to named fields of a new record; the reads return what was saved. Answers are Unity's
 * shape, {@code [{"<action>info": [rows]}]}; errors {@code [{"Error": "..."}]}. Thread-safe.
 */
public final class UnityActions {

  private static final ObjectMapper JSON = new ObjectMapper();

  /** Save action to (record kind, field name of Parameter1..n; the first is required). */
  private static final Map<String, Save> SAVES = Map.of(
      "savenote", new Save("note", List.of("NoteText", "NoteType", "EncounterID")),
      "savev11note", new Save("note", List.of("NoteXML", "NoteType", "EncounterID")),
      "savevitals", new Save("vitals", List.of("VitalsXML", "EncounterID")),
      "saveproblem", new Save("problem", List.of("ProblemCode", "CodeSystem", "Description", "OnsetDate", "Status")),
      "saveallergy", new Save("allergy", List.of("Allergen", "Reaction", "Severity", "OnsetDate")),
      "savetask", new Save("task", List.of("TaskType", "TargetUser", "Comment", "DueDate")),
      "saverx", new Save("medication", List.of("Medication", "Sig", "StartDate", "Quantity")),
      "savedocumentimage", new Save("document", List.of("DocumentType", "FileName")));

  private final ChartStore store;

  public UnityActions(ChartStore store) {
    this.store = store;
  }

  /** Runs {@code request}'s action (token and user already checked). */
  public ArrayNode run(JsonNode request) {
    String action = request.path("Action").asText();
    String key = action.toLowerCase();
    String patient = request.path("PatientID").asText("");
    Save save = SAVES.get(key);
    if (save != null) {
      return save(key, save, patient, request);
    }
    return switch (key) {
      case "getpatient" -> known(patient) ? rows(key, List.of(patientRow(patient))) : error("Patient not found");
      case "searchpatients" -> rows(key, search(request.path("Parameter1").asText("")));
      case "getencounterlist" -> known(patient) ? rows(key, encounters(patient)) : error("Patient not found");
      case "getclinicalsummary" -> known(patient) ? rows(key, summary(patient, request.path("Parameter1").asText("")))
          : error("Patient not found");
      default -> error("Unknown action " + action);
    };
  }

  private ArrayNode save(String key, Save save, String patient, JsonNode request) {
    if (!known(patient)) {
      return error("Patient not found");
    }
    Map<String, String> fields = new LinkedHashMap<>();
    for (int i = 0; i < save.fields().size(); i++) {
      String value = request.path("Parameter" + (i + 1)).asText("");
      if (!value.isEmpty()) {
        fields.put(save.fields().get(i), value);
      }
    }
    if (!fields.containsKey(save.fields().get(0))) {
      return error("Parameter1 (" + save.fields().get(0) + ") is required");
    }
    String encounter = fields.get("EncounterID");
    if (encounter != null) {
      String[] known = VeradigmSeed.ENCOUNTERS.get(encounter);
      if (known == null || !known[0].equals(patient)) {
        return error("Encounter " + encounter + " not found for patient " + patient);
      }
    }
    if (key.equals("savedocumentimage")) {
      String data = request.path("Data").asText("");
      try {
        if (data.isEmpty() || Base64.getDecoder().decode(data).length == 0) {
          return error("Data (base64 document bytes) is required");
        }
      } catch (IllegalArgumentException e) {
        return error("Data is not base64");
      }
      fields.put("Data", data);
    }
    if (key.equals("savev11note")) {
      fields.put("Format", "V11");
    }
    ChartStore.Entry entry = store.add(save.kind(), patient, fields);
    ObjectNode row = JSON.createObjectNode().put("ID", entry.id()).put("PatientID", patient).put("Status", "Saved");
    return rows(key, List.of(row));
  }

  private List<ObjectNode> summary(String patient, String section) {
    return store.list(section.isEmpty() ? null : section, patient).stream().map(e -> {
      ObjectNode row = JSON.createObjectNode().put("section", e.kind()).put("ID", e.id()).put("PatientID", patient);
      e.fields().forEach(row::put);
      return row.put("EntryDate", e.storedAt());
    }).toList();
  }

  private static List<ObjectNode> search(String text) {
    String wanted = text.toLowerCase().replace(" ", "");
    return new TreeMap<>(VeradigmSeed.PATIENTS).entrySet().stream()
        .filter(p -> p.getValue().mrn().equals(text)
            || (p.getValue().family() + "," + p.getValue().given()).toLowerCase().startsWith(wanted))
        .map(p -> patientRow(p.getKey()))
        .toList();
  }

  private static List<ObjectNode> encounters(String patient) {
    return new TreeMap<>(VeradigmSeed.ENCOUNTERS).entrySet().stream()
        .filter(e -> e.getValue()[0].equals(patient))
        .map(e -> JSON.createObjectNode().put("ID", e.getKey()).put("PatientID", patient)
            .put("EncounterStatus", e.getValue()[1]))
        .toList();
  }

  private static ObjectNode patientRow(String id) {
    SeedPerson p = VeradigmSeed.PATIENTS.get(id);
    return JSON.createObjectNode().put("ID", id).put("LastName", p.family()).put("FirstName", p.given())
        .put("MRN", p.mrn()).put("DateofBirth", p.birthDate()).put("Gender", p.gender());
  }

  private static boolean known(String patient) {
    return VeradigmSeed.PATIENTS.containsKey(patient);
  }

  private static ArrayNode rows(String action, List<ObjectNode> rows) {
    ArrayNode out = JSON.createArrayNode();
    ArrayNode list = out.addObject().putArray(action + "info");
    rows.forEach(list::add);
    return out;
  }

  /** Unity's error shape: {@code [{"Error": message}]}. */
  public static ArrayNode error(String message) {
    ArrayNode out = JSON.createArrayNode();
    out.addObject().put("Error", message.startsWith("Magic Error") ? message : "Magic Error - " + message);
    return out;
  }

  private record Save(String kind, List<String> fields) {}
}
