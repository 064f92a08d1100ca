package dev.chartbridge.simulators.veradigm.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.chartbridge.simulators.vendorkit.ChartStore;
import dev.chartbridge.simulators.veradigm.VeradigmSeed;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.BooleanSupplier;
import org.w3c.dom.Element;

/**
 * The Unity save actions the simulator takes, each read from the parameter positions the public reference clients
 * use (not from any shape of the gateway's), stored as a chart record of the simulator's own: SaveNote, SaveVitals,
 * SaveProblem, SaveAllergy, SaveRX, SaveTask. Answers {@code [{"<action>info": [{<id column>: id}]}]}; in strict
 * mode the id comes as an object. Thread-safe (the store is).
 */
final class UnitySaves {

  private static final ObjectMapper JSON = new ObjectMapper();

  private final ChartStore store;
  private final BooleanSupplier strict;

  UnitySaves(ChartStore store, BooleanSupplier strict) {
    this.store = store;
    this.strict = strict;
  }

  /** Whether {@code action} (lower case) is a save this simulator takes. */
  static boolean takes(String action) {
    return switch (action) {
      case "savenote", "savevitals", "saveproblem", "saveallergy", "saverx", "savetask" -> true;
      default -> false;
    };
  }

  /** Runs the save (patient already known to exist). */
  ArrayNode run(String action, String actionName, String patient, JsonNode request) {
    Map<String, String> fields = new LinkedHashMap<>();
    String failure = switch (action) {
      case "savenote" -> note(request, fields);
      case "savevitals" -> vitals(request, patient, fields);
      case "saveproblem" -> problem(request, fields);
      case "saveallergy" -> allergy(request, fields);
      case "saverx" -> rx(request, fields);
      default -> task(request, fields);
    };
    if (failure != null) {
      return UnityActions.error(actionName, failure);
    }
    String kind = kind(action);
    ChartStore.Entry entry = store.add(kind, patient, fields);
    return answer(action, idColumn(kind), entry.id());
  }

  // evidence: veradigm.save.note, veradigm.behaviour.note-status
  private static String note(JsonNode r, Map<String, String> f) {
    String text = p(r, 1);
    if (text.isEmpty()) {
      return "Note text (Parameter1) is required";
    }
    String status = p(r, 3);
    if (!status.isEmpty() && !status.equalsIgnoreCase("Unsigned") && !status.equalsIgnoreCase("Final")) {
      return "Document status must be Unsigned or Final";
    }
    f.put("text", text);
    f.put("doctype", p(r, 2));
    f.put("docstatus", status.isEmpty() ? "Unsigned" : status);
    f.put("rtf", p(r, 4));
    return null;
  }

  // evidence: veradigm.save.vitals, veradigm.save.vitals-xml
  private static String vitals(JsonNode r, String patient, Map<String, String> f) {
    Element root = UnityXml.root(p(r, 1));
    if (root == null || !root.getTagName().equalsIgnoreCase("vitals")) {
      return "Parameter1 is not a vitals XML document";
    }
    String encounter = root.getAttribute("encounterid");
    if (!encounter.isEmpty()) {
      String[] known = VeradigmSeed.ENCOUNTERS.get(encounter);
      if (known == null || !known[0].equals(patient)) {
        return "Encounter " + encounter + " is not an encounter of this patient";
      }
      f.put("encounterid", encounter);
    }
    for (Element v : UnityXml.children(root, "vital")) {
      String unit = v.getAttribute("unit");
      f.put("vital." + v.getAttribute("name").toLowerCase(),
          v.getAttribute("value") + (unit.isEmpty() ? "" : " " + unit));
    }
    return f.keySet().stream().anyMatch(k -> k.startsWith("vital.")) ? null : "No vital in the vitals XML";
  }

  // evidence: veradigm.save.problem, veradigm.save.problem-values
  private static String problem(JsonNode r, Map<String, String> f) {
    if (p(r, 2).isEmpty()) {
      return "Problem id (Parameter2) is required";
    }
    Element payload = UnityXml.root(p(r, 5));
    f.put("system", p(r, 1));
    f.put("code", p(r, 2));
    f.put("severity", p(r, 3));
    f.put("status", p(r, 4).isEmpty() ? "Active" : p(r, 4));
    if (payload != null) {
      f.put("description", payload.getAttribute("description"));
      f.put("onset", payload.getAttribute("onset"));
    }
    return null;
  }

  // evidence: veradigm.save.allergy, veradigm.save.allergy-xml
  private static String allergy(JsonNode r, Map<String, String> f) {
    Element root = UnityXml.root(p(r, 1));
    if (root == null || root.getAttribute("allergen").isEmpty()) {
      return "Parameter1 is not an allergy XML document with an allergen";
    }
    f.put("allergen", root.getAttribute("allergen"));
    f.put("reaction", root.getAttribute("reaction"));
    f.put("severity", root.getAttribute("severity"));
    f.put("status", "Active");
    return null;
  }

  // evidence: veradigm.save.rx, veradigm.save.rx-values
  private static String rx(JsonNode r, Map<String, String> f) {
    Element root = UnityXml.root(p(r, 1));
    if (root == null || !root.getTagName().equalsIgnoreCase("saverx")) {
      return "Parameter1 is not a saverx document";
    }
    Map<String, String> fields = new LinkedHashMap<>();
    for (Element field : UnityXml.children(root, "field")) {
      fields.put(field.getAttribute("name").toLowerCase(), field.getAttribute("value"));
    }
    if (fields.getOrDefault("gppctext", "").isEmpty() && fields.getOrDefault("ddi", "").isEmpty()) {
      return "A drug (DDI or GPPCText) is required";
    }
    f.put("drug", fields.getOrDefault("gppctext", fields.get("ddi")));
    f.put("sig", fields.getOrDefault("sig", ""));
    f.put("startdate", fields.getOrDefault("startdate", ""));
    f.put("rxaction", fields.getOrDefault("rxaction", ""));
    f.put("comments", fields.getOrDefault("comments", ""));
    f.put("status", "Active");
    return null;
  }

  // evidence: veradigm.save.task, veradigm.save.task-values
  private static String task(JsonNode r, Map<String, String> f) {
    if (p(r, 1).isEmpty() || p(r, 2).isEmpty()) {
      return "Task type (Parameter1) and target user (Parameter2) are required";
    }
    f.put("tasktype", p(r, 1));
    f.put("targetuser", p(r, 2));
    f.put("workobjectid", p(r, 3).isEmpty() ? "0" : p(r, 3));
    f.put("comments", p(r, 4));
    f.put("subject", p(r, 5));
    f.put("status", "Pending");
    return null;
  }

  static String kind(String action) {
    return switch (action) {
      case "savenote" -> "note";
      case "savevitals" -> "vitals";
      case "saveproblem" -> "problem";
      case "saveallergy" -> "allergy";
      case "saverx" -> "medication";
      default -> "task";
    };
  }

  /** The column a save's answer names its record id in: the one its read shape uses. */
  private static String idColumn(String kind) {
    return switch (kind) {
      case "note" -> "DocumentID";
      case "task" -> "TaskID";
      default -> "transid";
    };
  }

  // evidence: veradigm.save.answer-id, veradigm.unity.answer-shape
  private ArrayNode answer(String action, String column, String id) {
    ArrayNode out = JSON.createArrayNode();
    ObjectNode row = out.addObject().putArray(action + "info").addObject();
    if (strict.getAsBoolean()) {
      row.putObject(column).put("value", id);
    } else {
      row.put(column, id);
    }
    return out;
  }

  private static String p(JsonNode r, int n) {
    return r.path("Parameter" + n).asText("");
  }
}
