package dev.chartbridge.simulators.veradigm.internal;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.chartbridge.simulators.vendorkit.ChartStore;
import dev.chartbridge.simulators.vendorkit.SeedPerson;
import dev.chartbridge.simulators.veradigm.VeradigmSeed;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.BooleanSupplier;

/**
 * The Unity read actions, answering in the read shapes of Unity's public samples (not the save parameters):
 * GetPatient and GetPatientByMRN rows, GetEncounterList rows naming each encounter's patient, GetClinicalSummary
 * rows ({@code detail, code, transid, status, entrycode, description, section, displaydate}, one per vital
 * reading), and the task and document lists. Strict mode answers the assumed shapes another plausible way.
 * Thread-safe.
 */
final class UnityReads {

  private static final ObjectMapper JSON = new ObjectMapper();
  /** Unity's display date; the server's local time is UTC here. */
  private static final DateTimeFormatter DAY = DateTimeFormatter.ofPattern("dd-MMM-yyyy", Locale.US)
      .withZone(ZoneOffset.UTC);

  private final ChartStore store;
  private final BooleanSupplier strict;

  UnityReads(ChartStore store, BooleanSupplier strict) {
    this.store = store;
    this.strict = strict;
  }

  // evidence: veradigm.read.patient-row, veradigm.id.patient, veradigm.unity.column-casing
  static ObjectNode patientRow(String id) {
    SeedPerson p = VeradigmSeed.PATIENTS.get(id);
    return JSON.createObjectNode().put("ID", id).put("LastName", p.family()).put("Firstname", p.given())
        .put("mrn", p.mrn()).put("dateofbirth", p.birthDate()).put("gender", p.gender());
  }

  // evidence: veradigm.lookup.get-patient-by-mrn
  static List<ObjectNode> byMrn(String mrn) {
    return new TreeMap<>(VeradigmSeed.PATIENTS).entrySet().stream()
        .filter(p -> p.getValue().mrn().equals(mrn)).map(p -> patientRow(p.getKey())).toList();
  }

  // evidence: veradigm.lookup.get-encounter-list, veradigm.read.encounter-row, veradigm.read.encounter-row-casing
  List<ObjectNode> encounters(String patient) {
    return new TreeMap<>(VeradigmSeed.ENCOUNTERS).entrySet().stream()
        .filter(e -> e.getValue()[0].equals(patient))
        .map(e -> {
          ObjectNode row = JSON.createObjectNode().put("ID", e.getKey());
          if (strict.getAsBoolean()) {
            row.putObject("patient").put("ID", patient);
          } else {
            row.put("PatientID", patient);
          }
          return row.put("EncounterType", "Office Visit");
        })
        .toList();
  }

  // evidence: veradigm.read.clinical-summary, veradigm.read.summary-problems, veradigm.read.summary-medications
  // evidence: veradigm.read.summary-vitals, veradigm.read.summary-allergies, veradigm.read.displaydate
  List<ObjectNode> summary(String patient) {
    List<ObjectNode> rows = new ArrayList<>();
    for (ChartStore.Entry e : store.list(null, patient)) {
      Map<String, String> f = e.fields();
      String day = DAY.format(Instant.parse(e.storedAt()));
      switch (e.kind()) {
        case "problem" -> rows.add(row(e, "problems", day, f.getOrDefault("status", ""),
            f.getOrDefault("code", "") + "|" + f.getOrDefault("system", ""),
            f.getOrDefault("description", "") + " (" + f.getOrDefault("code", "") + ")", "Promoted: No"));
        case "medication" -> rows.add(row(e, "medications", day, f.getOrDefault("status", ""), "",
            f.getOrDefault("drug", ""), f.getOrDefault("sig", "")));
        case "allergy" -> rows.add(row(e, strict.getAsBoolean() ? "allergy" : "allergies", day,
            f.getOrDefault("status", ""), "", f.getOrDefault("allergen", ""), f.getOrDefault("reaction", "")));
        case "vitals" -> f.forEach((name, value) -> {
          if (name.startsWith("vital.")) {
            rows.add(row(e, "vitals", day, "", "", name.substring("vital.".length()), value));
          }
        });
        default -> { }
      }
    }
    return rows;
  }

  private static ObjectNode row(ChartStore.Entry e, String section, String day, String status, String entrycode,
      String description, String detail) {
    String edited = e.fields().get(ChartStore.EDITED_FIELD);
    return JSON.createObjectNode().put("detail", edited == null ? detail : detail + " (edited " + edited + ")")
        .put("code", "").put("transid", e.id()).put("status", status).put("entrycode", entrycode)
        .put("description", description).put("section", section).put("displaydate", day);
  }

  // evidence: veradigm.read.task-list, veradigm.read.task-row
  List<ObjectNode> tasks() {
    return store.list("task", null).stream().map(e -> {
      ObjectNode task = JSON.createObjectNode().put("TaskID", e.id()).put("PatientID", e.patientId())
          .put("TaskType", e.fields().get("tasktype")).put("AssignedTo", e.fields().get("targetuser"))
          .put("Remark", e.fields().get("comments")).put("Subject", e.fields().get("subject"))
          .put("Status", e.fields().get("status"))
          .put("DateEntered", DAY.format(Instant.parse(e.storedAt())));
      if (e.fields().containsKey(ChartStore.EDITED_FIELD)) {
        task.put("Remark", e.fields().get("comments") + " (edited " + e.fields().get(ChartStore.EDITED_FIELD) + ")");
      }
      return strict.getAsBoolean() ? (ObjectNode) JSON.createObjectNode().set("Task", task) : task;
    }).toList();
  }

  // evidence: veradigm.read.documents, veradigm.read.document-row
  List<ObjectNode> documents(String patient) {
    return store.list("note", patient).stream().map(e -> {
      ObjectNode row = JSON.createObjectNode();
      if (strict.getAsBoolean()) {
        row.putObject("DocumentID").put("value", e.id());
      } else {
        row.put("DocumentID", e.id());
      }
      return row.put("DocumentType", e.fields().get("doctype")).put("DocumentStatus", e.fields().get("docstatus"))
          .put("DocumentDate", DAY.format(Instant.parse(e.storedAt())));
    }).toList();
  }
}
