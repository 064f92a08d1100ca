package dev.chartbridge.simulators.athena.internal;

import com.fasterxml.jackson.databind.JsonNode;
import dev.chartbridge.simulators.athena.AthenaSeed;
import dev.chartbridge.simulators.vendorkit.ChartStore;
import dev.chartbridge.simulators.vendorkit.SeedPerson;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.time.LocalDate;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;

/**
 * The chart endpoints of the athenaOne v1 API: form-urlencoded writes answering {@code success} and the
 * new id, and the reads that list what was written. No idempotency key: every accepted write is a new
 * record. Thread-safe (the stores are).
 */
public final class ChartApi {

  private static final DateTimeFormatter US_DATE = DateTimeFormatter.ofPattern("MM/dd/uuuu");

  private final ChartStore store;
  private final Patients patients;
  private final BooleanSupplier vitalsHidden;

  public ChartApi(ChartStore store, Patients patients, BooleanSupplier vitalsHidden) {
    this.store = store;
    this.patients = patients;
    this.vitalsHidden = vitalsHidden;
  }

  void addProblem(HttpServletRequest rq, HttpServletResponse rs, String patient) throws IOException {
    if (missing(rq, rs, "snomedcode", "departmentid")) {
      return;
    }
    if (!rq.getParameter("snomedcode").matches("\\d{6,18}")) {
      Answers.refused(rs, "Invalid SNOMED code " + rq.getParameter("snomedcode"));
      return;
    }
    String status = rq.getParameter("status");
    if (status != null && !status.equals("CHRONIC") && !status.equals("ACUTE")) {
      Answers.refused(rs, "status must be CHRONIC or ACUTE");
      return;
    }
    if (!usDate(rq.getParameter("startdate"))) {
      Answers.refused(rs, "startdate must be mm/dd/yyyy");
      return;
    }
    ChartStore.Entry e = store.add("problem", patient,
        fields(rq, "snomedcode", "departmentid", "startdate", "note", "status", "laterality"));
    Answers.created(rs, "problemid", Long.parseLong(e.id()));
  }

  void addVitals(HttpServletRequest rq, HttpServletResponse rs, String patient, String encounter) throws IOException {
    if (missing(rq, rs, "departmentid", "vitals")) {
      return;
    }
    List<Map<String, String>> readings = new ArrayList<>();
    try {
      collect(Answers.JSON.readTree(rq.getParameter("vitals")), readings);
    } catch (IOException | IllegalArgumentException e) {
      Answers.refused(rs, "vitals must be a JSON array of readings with clinicalelementid and value");
      return;
    }
    if (readings.isEmpty()) {
      Answers.refused(rs, "No vitals readings given");
      return;
    }
    List<Long> ids = new ArrayList<>();
    for (Map<String, String> reading : readings) {
      Map<String, String> fields = fields(rq, "departmentid", "source");
      fields.putAll(reading);
      if (encounter != null) {
        fields.put("encounterid", encounter);
      }
      ids.add(Long.parseLong(store.add("vitals", patient, fields).id()));
    }
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("success", true);
    body.put("vitalids", ids);
    Answers.json(rs, 200, body);
  }

  void addEncounterVitals(HttpServletRequest rq, HttpServletResponse rs, String encounter) throws IOException {
    String[] known = AthenaSeed.ENCOUNTERS.get(encounter);
    if (known == null) {
      Answers.error(rs, 404, "Invalid encounter ID.");
      return;
    }
    if (known[1].equals("CLOSED")) {
      Answers.refused(rs, "The encounter is closed; vitals cannot be added");
      return;
    }
    addVitals(rq, rs, known[0], encounter);
  }

  void addAllergy(HttpServletRequest rq, HttpServletResponse rs, String patient) throws IOException {
    if (missing(rq, rs, "departmentid")) {
      return;
    }
    if (rq.getParameter("allergenid") == null && rq.getParameter("allergenname") == null) {
      Answers.missing(rs, List.of("allergenid"));
      return;
    }
    ChartStore.Entry e = store.add("allergy", patient,
        fields(rq, "allergenid", "allergenname", "departmentid", "reactions", "severity", "onsetdate", "note"));
    Answers.created(rs, "allergyid", Long.parseLong(e.id()));
  }

  void addMedication(HttpServletRequest rq, HttpServletResponse rs, String patient) throws IOException {
    if (missing(rq, rs, "departmentid", "medicationid")) {
      return;
    }
    if (!usDate(rq.getParameter("startdate")) || !usDate(rq.getParameter("stopdate"))) {
      Answers.refused(rs, "startdate and stopdate must be mm/dd/yyyy");
      return;
    }
    ChartStore.Entry e = store.add("medication", patient, fields(rq, "medicationid", "departmentid", "startdate",
        "stopdate", "unstructuredsig", "note", "providernote"));
    Answers.created(rs, "medicationentryid", Long.parseLong(e.id()));
  }

  void addClinicalDocument(HttpServletRequest rq, HttpServletResponse rs, String patient) throws IOException {
    if (missing(rq, rs, "departmentid", "documentsubclass", "attachmentcontents")) {
      return;
    }
    if (rq.getParameterValues("attachmentcontents").length > 1) {
      Answers.error(rs, 400, "Only one document may be attached per call.");
      return;
    }
    try {
      Base64.getMimeDecoder().decode(rq.getParameter("attachmentcontents"));
    } catch (IllegalArgumentException e) {
      Answers.refused(rs, "attachmentcontents must be base64");
      return;
    }
    Map<String, String> fields = fields(rq, "departmentid", "documentsubclass", "attachmenttype",
        "attachmentcontents", "documentdate", "internalnote", "providerid", "autoclose");
    fields.putIfAbsent("attachmenttype", "PDF");
    ChartStore.Entry e = store.add("clinicaldocument", patient, fields);
    Answers.created(rs, "clinicaldocumentid", Long.parseLong(e.id()));
  }

  /** Lists {@code kind} under {@code listName}; vitals are empty while the practice hides them. */
  void list(HttpServletResponse rs, String kind, String listName, String idField, String patient) throws IOException {
    List<Map<String, Object>> rows = new ArrayList<>();
    if (!(kind.equals("vitals") && vitalsHidden.getAsBoolean())) {
      for (ChartStore.Entry e : store.list(kind, patient)) {
        Map<String, Object> row = new LinkedHashMap<>();
        row.put(idField, Long.parseLong(e.id()));
        row.putAll(e.fields());
        row.put("createddatetime", e.storedAt());
        rows.add(row);
      }
    }
    Map<String, Object> body = new LinkedHashMap<>();
    body.put(listName, rows);
    body.put("totalcount", rows.size());
    Answers.json(rs, 200, body);
  }

  void encounter(HttpServletResponse rs, String encounter) throws IOException {
    String[] known = AthenaSeed.ENCOUNTERS.get(encounter);
    if (known == null) {
      Answers.error(rs, 404, "Invalid encounter ID.");
      return;
    }
    Map<String, Object> row = new LinkedHashMap<>();
    row.put("encounterid", Long.parseLong(encounter));
    row.put("patientid", Long.parseLong(known[0]));
    row.put("departmentid", AthenaSeed.DEPARTMENT_ID);
    row.put("status", known[1]);
    Answers.json(rs, 200, List.of(row));
  }

  void searchPatients(HttpServletRequest rq, HttpServletResponse rs) throws IOException {
    List<Map<String, Object>> rows = new ArrayList<>();
    for (Map.Entry<String, SeedPerson> e : patients.all()) {
      SeedPerson p = e.getValue();
      if (matches(rq.getParameter("mrn"), p.mrn()) && matches(rq.getParameter("lastname"), p.family())
          && matches(rq.getParameter("firstname"), p.given()) && matches(rq.getParameter("dob"), usDate(p))) {
        rows.add(patientRow(e.getKey(), p));
      }
    }
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("patients", rows);
    body.put("totalcount", rows.size());
    Answers.json(rs, 200, body);
  }

  void patient(HttpServletResponse rs, String patient) throws IOException {
    Answers.json(rs, 200, List.of(patientRow(patient, patients.find(patient).orElseThrow())));
  }

  void createPatient(HttpServletRequest rq, HttpServletResponse rs) throws IOException {
    if (missing(rq, rs, "lastname", "firstname", "dob", "departmentid")) {
      return;
    }
    LocalDate dob;
    try {
      dob = LocalDate.parse(rq.getParameter("dob"), US_DATE);
    } catch (DateTimeParseException e) {
      Answers.refused(rs, "dob must be mm/dd/yyyy");
      return;
    }
    String sex = rq.getParameter("sex");
    String[] result = patients.createOrMatch(new SeedPerson(null, rq.getParameter("lastname"),
        rq.getParameter("firstname"), "F".equals(sex) ? "female" : "M".equals(sex) ? "male" : "unknown", dob.toString()));
    Answers.json(rs, 200, List.of(Map.of("patientid", Long.parseLong(result[0]))));
  }

  private static Map<String, Object> patientRow(String id, SeedPerson p) {
    Map<String, Object> row = new LinkedHashMap<>();
    row.put("patientid", Long.parseLong(id));
    row.put("firstname", p.given());
    row.put("lastname", p.family());
    row.put("dob", usDate(p));
    row.put("sex", p.gender().equals("female") ? "F" : p.gender().equals("male") ? "M" : "");
    if (p.mrn() != null) {
      row.put("mrn", p.mrn());
    }
    row.put("departmentid", AthenaSeed.DEPARTMENT_ID);
    return row;
  }

  private static String usDate(SeedPerson p) {
    return LocalDate.parse(p.birthDate()).format(US_DATE);
  }

  private static boolean matches(String wanted, String actual) {
    return wanted == null || wanted.equalsIgnoreCase(actual);
  }

  private static boolean usDate(String value) {
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

  private static void collect(JsonNode node, List<Map<String, String>> out) {
    if (node.isArray()) {
      node.forEach(n -> collect(n, out));
    } else if (node.isObject() && node.hasNonNull("clinicalelementid") && node.hasNonNull("value")) {
      Map<String, String> reading = new LinkedHashMap<>();
      node.fields().forEachRemaining(f -> reading.put(f.getKey(), f.getValue().asText()));
      out.add(reading);
    } else {
      throw new IllegalArgumentException("not a reading: " + node);
    }
  }

  private static boolean missing(HttpServletRequest rq, HttpServletResponse rs, String... required) throws IOException {
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
    Answers.missing(rs, absent);
    return true;
  }

  private static Map<String, String> fields(HttpServletRequest rq, String... names) {
    Map<String, String> out = new LinkedHashMap<>();
    for (String name : names) {
      String value = rq.getParameter(name);
      if (value != null) {
        out.put(name, value);
      }
    }
    return out;
  }
}
