package dev.chartbridge.simulators.athena.internal;

import com.fasterxml.jackson.databind.JsonNode;
import dev.chartbridge.simulators.athena.AthenaSeed;
import dev.chartbridge.simulators.vendorkit.ChartStore;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.time.LocalDate;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The chart writes of the athenaOne v1 API as the public sources describe them: form-urlencoded, answering
 * {@code success} (and, where a source shows one, the new id). Nothing is idempotent: every accepted POST is a
 * new record; the allergy PUT adds or replaces the entry of its allergen. Thread-safe (the store is).
 */
final class ChartWrites {

  static final DateTimeFormatter US_DATE = DateTimeFormatter.ofPattern("MM/dd/uuuu");

  private final ChartStore store;
  private final Answers answers;

  ChartWrites(ChartStore store, Answers answers) {
    this.store = store;
    this.answers = answers;
  }

  /**
   * {@code POST /chart/{patientid}/problems}: snomedcode and departmentid required; a code that is not a SNOMED
   * concept id is refused as 200 success false (recorded). The answer carries {@code problemid} (metriport's
   * schema); strict mode answers {@code success} alone, as the recorded sandbox answer does.
   */
  // evidence: athena.problems.create, athena.problems.create-answer, athena.error.success-false
  void addProblem(HttpServletRequest rq, HttpServletResponse rs, String patient) throws IOException {
    if (missing(rq, rs, "snomedcode", "departmentid")) {
      return;
    }
    if (!rq.getParameter("snomedcode").matches("\\d{6,18}")) {
      answers.refused(rs, "Submitted snomedcode of '" + rq.getParameter("snomedcode") + "' is not valid.");
      return;
    }
    String status = rq.getParameter("status");
    if (status != null && !status.equals("CHRONIC") && !status.equals("ACUTE")) {
      answers.refused(rs, "status must be CHRONIC or ACUTE");
      return;
    }
    if (!usDate(rq.getParameter("startdate"))) {
      answers.refused(rs, "startdate must be mm/dd/yyyy");
      return;
    }
    ChartStore.Entry e = store.add("problem", patient,
        fields(rq, "snomedcode", "departmentid", "startdate", "note", "status"));
    answers.created(rs, answers.style().strict() ? null : "problemid", e.id());
  }

  /**
   * {@code POST /chart/encounter/{encounterid}/vitals}: {@code vitals} is a JSON array of reading groups, each an
   * array of {clinicalelementid, value, readingtaken}. The documented answer is {@code success} (and
   * {@code errormessage}); with {@code returnvitalids=true} the ids come as objects {vitalid, clinicalelementid}
   * (metriport). Strict mode ignores {@code returnvitalids}: no source says the encounter call honours it.
   */
  // evidence: athena.vitals.encounter-create, athena.vitals.create-answer, athena.vitals.returnvitalids
  void addEncounterVitals(HttpServletRequest rq, HttpServletResponse rs, String encounter) throws IOException {
    String[] known = AthenaSeed.ENCOUNTERS.get(encounter);
    if (known == null) {
      Answers.error(rs, 404, "Invalid encounter ID.");
      return;
    }
    if (known[1].equals("CLOSED")) {
      answers.refused(rs, "The encounter is closed; vitals cannot be added");
      return;
    }
    if (missing(rq, rs, "vitals")) {
      return;
    }
    List<List<Map<String, String>>> groups = new ArrayList<>();
    try {
      for (JsonNode group : Answers.JSON.readTree(rq.getParameter("vitals"))) {
        List<Map<String, String>> readings = new ArrayList<>();
        for (JsonNode r : group) {
          if (!r.hasNonNull("clinicalelementid") || !r.hasNonNull("value")) {
            throw new IllegalArgumentException("reading without clinicalelementid or value");
          }
          if (answers.style().strict() && r.get("clinicalelementid").asText().equals("VITALS.O2SATURATION")) {
            // evidence: athena.vitals.o2-saturation-element (no source names the element; strict: not configured)
            answers.refused(rs, "Invalid clinicalelementid VITALS.O2SATURATION");
            return;
          }
          Map<String, String> reading = new LinkedHashMap<>();
          r.fields().forEachRemaining(f -> reading.put(f.getKey(), f.getValue().asText()));
          readings.add(reading);
        }
        groups.add(readings);
      }
    } catch (IOException | IllegalArgumentException e) {
      answers.refused(rs, "vitals must be a JSON array of arrays of readings");
      return;
    }
    if (groups.isEmpty() || groups.get(0).isEmpty()) {
      answers.refused(rs, "No vitals readings given");
      return;
    }
    List<Map<String, Object>> ids = new ArrayList<>();
    for (List<Map<String, String>> group : groups) {
      String readingId = null;
      for (Map<String, String> reading : group) {
        Map<String, String> fields = new LinkedHashMap<>(reading);
        fields.put("encounterid", encounter);
        fields.put("departmentid", known[2]);
        fields.putIfAbsent("source", "ENCOUNTER");
        if (readingId != null) {
          fields.put("readingid", readingId);
        }
        ChartStore.Entry e = store.add("vitals", known[0], fields);
        readingId = readingId != null ? readingId : e.id();
        Map<String, Object> id = new LinkedHashMap<>();
        id.put("vitalid", answers.style().id(e.id()));
        id.put("clinicalelementid", reading.get("clinicalelementid"));
        ids.add(id);
      }
    }
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("success", answers.style().success(true));
    if ("true".equals(rq.getParameter("returnvitalids")) && !answers.style().strict()) {
      body.put("vitalids", ids);
    }
    Answers.json(rs, 200, body);
  }

  /**
   * {@code PUT /chart/{patientid}/allergies}: departmentid and {@code allergies}, a JSON array of entries naming
   * an {@code allergenid} from {@code /reference/allergies}; the answer is {@code success} alone (recorded). The
   * entry of an allergen already on the chart is replaced, others are kept (metriport sends only the new one).
   */
  // evidence: athena.allergies.update, athena.allergies.update-answer, athena.allergies.allergenid-from-reference
  void putAllergies(HttpServletRequest rq, HttpServletResponse rs, String patient) throws IOException {
    if (missing(rq, rs, "departmentid", "allergies")) {
      return;
    }
    List<Map<String, String>> entries = new ArrayList<>();
    try {
      for (JsonNode a : Answers.JSON.readTree(rq.getParameter("allergies"))) {
        String allergen = a.path("allergenid").asText("");
        if (!AthenaSeed.ALLERGENS.containsKey(allergen)) {
          answers.refused(rs, "Invalid allergenid " + allergen);
          return;
        }
        Map<String, String> fields = new LinkedHashMap<>();
        fields.put("allergenid", allergen);
        fields.put("allergenname", AthenaSeed.ALLERGENS.get(allergen));
        for (String f : List.of("onsetdate", "note", "criticality")) {
          if (a.hasNonNull(f)) {
            fields.put(f, a.get(f).asText());
          }
        }
        fields.put("reactions", a.path("reactions").isArray() ? a.get("reactions").toString() : "[]");
        fields.put("departmentid", rq.getParameter("departmentid"));
        entries.add(fields);
      }
    } catch (IOException e) {
      answers.refused(rs, "allergies must be a JSON array");
      return;
    }
    for (Map<String, String> fields : entries) {
      store.list("allergy", patient).stream()
          .filter(x -> x.fields().get("allergenid").equals(fields.get("allergenid")))
          .forEach(x -> store.editor("status").delete("allergy/" + x.id()));
      store.add("allergy", patient, fields);
    }
    answers.created(rs, null, null);
  }

  /**
   * {@code POST /chart/{patientid}/medications}: departmentid and athena's own {@code medicationid} (from
   * {@code /reference/medications}) required. Answers {@code medicationentryid} (metriport's schema); strict mode
   * answers {@code success} alone, as the recorded sandbox answer does.
   */
  // evidence: athena.medications.create, athena.medications.create-answer
  void addMedication(HttpServletRequest rq, HttpServletResponse rs, String patient) throws IOException {
    if (missing(rq, rs, "departmentid", "medicationid")) {
      return;
    }
    if (!AthenaSeed.MEDICATIONS.containsKey(rq.getParameter("medicationid"))) {
      answers.refused(rs, "Invalid medicationid " + rq.getParameter("medicationid"));
      return;
    }
    if (!usDate(rq.getParameter("startdate")) || !usDate(rq.getParameter("stopdate"))) {
      answers.refused(rs, "startdate and stopdate must be mm/dd/yyyy");
      return;
    }
    Map<String, String> fields = fields(rq, "medicationid", "departmentid", "startdate", "stopdate",
        "unstructuredsig", "providernote", "patientnote");
    fields.put("medication", AthenaSeed.MEDICATIONS.get(rq.getParameter("medicationid")));
    ChartStore.Entry e = store.add("medication", patient, fields);
    answers.created(rs, answers.style().strict() ? null : "medicationentryid", e.id());
  }

  /**
   * {@code POST /patients/{patientid}/documents/clinicaldocument}: departmentid and documentsubclass required,
   * the text in {@code documentdata}; answers {@code clinicaldocumentid} (go-athenahealth's fixture).
   */
  // evidence: athena.documents.clinical-create, athena.documents.clinical-create-answer
  void addClinicalDocument(HttpServletRequest rq, HttpServletResponse rs, String patient) throws IOException {
    if (missing(rq, rs, "departmentid", "documentsubclass")) {
      return;
    }
    if (rq.getParameter("documentdata") == null && rq.getParameter("attachmentcontents") == null) {
      answers.refused(rs, "A document needs documentdata or an attachment");
      return;
    }
    Map<String, String> fields = fields(rq, "departmentid", "documentsubclass", "documentdata", "internalnote",
        "observationdate", "providerid", "autoclose");
    fields.put("status", "true".equals(rq.getParameter("autoclose")) ? "CLOSED" : "REVIEW");
    ChartStore.Entry e = store.add("clinicaldocument", patient, fields);
    answers.created(rs, "clinicaldocumentid", e.id());
  }

  private boolean missing(HttpServletRequest rq, HttpServletResponse rs, String... required) throws IOException {
    List<String> absent = new ArrayList<>();
    for (String name : required) {
      String value = rq.getParameter(name);
      if (value == null || value.isBlank()) {
        absent.add(name);
      }
    }
    if (absent.isEmpty()) {
      return false;
    }
    answers.missing(rs, absent);
    return true;
  }

  static Map<String, String> fields(HttpServletRequest rq, String... names) {
    Map<String, String> out = new LinkedHashMap<>();
    for (String name : names) {
      String value = rq.getParameter(name);
      if (value != null) {
        out.put(name, value);
      }
    }
    return out;
  }

  static boolean usDate(String value) {
    if (value == null) {
      return true;
    }
    try {
      LocalDate.parse(value, US_DATE);
      return true;
    } catch (DateTimeParseException e) {
      return false;
    }
  }
}
