package dev.chartbridge.simulators.veradigm.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.chartbridge.simulators.vendorkit.ChartStore;
import dev.chartbridge.simulators.veradigm.VeradigmSeed;
import java.util.List;
import java.util.function.BooleanSupplier;

/**
 * The simulated Unity Magic actions (token and user already checked): the saves of {@link UnitySaves} and the
 * reads of {@link UnityReads}. Answers are Unity's shape, {@code [{"<action>info": [rows]}]}; errors
 * {@code [{"Error": "Magic Error - Action: <Action> - ..."}]} in a 200. Thread-safe.
 */
public final class UnityActions {

  private static final ObjectMapper JSON = new ObjectMapper();

  private final UnitySaves saves;
  private final UnityReads reads;

  public UnityActions(ChartStore store, BooleanSupplier strict) {
    this.saves = new UnitySaves(store, strict);
    this.reads = new UnityReads(store, strict);
  }

  /** Runs {@code request}'s action. */
  // evidence: veradigm.unity.magic-envelope
  public ArrayNode run(JsonNode request) {
    String action = request.path("Action").asText();
    String key = action.toLowerCase();
    String patient = request.path("PatientID").asText("");
    if (UnitySaves.takes(key)) {
      return known(patient) ? saves.run(key, action, patient, request) : error(action, "Patient not found");
    }
    return switch (key) {
      case "getpatient" -> known(patient) ? rows(key, List.of(UnityReads.patientRow(patient)))
          : error(action, "Patient not found");
      case "getpatientbymrn" -> rows(key, UnityReads.byMrn(request.path("Parameter1").asText("")));
      case "getencounterlist" -> known(patient) ? rows(key, reads.encounters(patient))
          : error(action, "Patient not found");
      case "getclinicalsummary" -> known(patient) ? rows(key, reads.summary(patient))
          : error(action, "Patient not found");
      case "gettasklist" -> rows(key, reads.tasks());
      case "getdocuments" -> known(patient) ? rows(key, reads.documents(patient)) : error(action, "Patient not found");
      default -> error(action, "Unknown action");
    };
  }

  private static boolean known(String patient) {
    return VeradigmSeed.PATIENTS.containsKey(patient);
  }

  // evidence: veradigm.unity.answer-shape
  private static ArrayNode rows(String action, List<ObjectNode> rows) {
    ArrayNode out = JSON.createArrayNode();
    ArrayNode list = out.addObject().putArray(action + "info");
    rows.forEach(list::add);
    return out;
  }

  /** Unity's error shape: {@code [{"Error": "Magic Error - Action: <action> - <text>"}]}. */
  // evidence: veradigm.unity.error-in-body, veradigm.unity.error-wording-sim
  public static ArrayNode error(String action, String text) {
    ArrayNode out = JSON.createArrayNode();
    out.addObject().put("Error", "Magic Error - Action: " + action + " - " + text);
    return out;
  }
}
