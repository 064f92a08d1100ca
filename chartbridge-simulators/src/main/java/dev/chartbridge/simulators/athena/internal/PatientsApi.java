package dev.chartbridge.simulators.athena.internal;

import dev.chartbridge.simulators.athena.AthenaSeed;
import dev.chartbridge.simulators.vendorkit.SeedPerson;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Patients, encounters and the reference lists of the athenaOne v1 API. There is no MRN filter on
 * {@code GET /patients}: the MRN is found through a practice custom field, by name and birth date
 * ({@code enhancedbestmatch}), or the patient id is known. Thread-safe (the patients are).
 */
final class PatientsApi {

  private final Patients patients;
  private final Answers answers;

  PatientsApi(Patients patients, Answers answers) {
    this.patients = patients;
    this.answers = answers;
  }

  /**
   * {@code GET /patients/customfields/{customfieldid}/{value}}: {@code {patients: [...], totalcount}}
   * (go-athenahealth). Each row lists its {@code customfields}; strict mode leaves them out (no source shows
   * whether the rows carry them).
   */
  // evidence: athena.patients.by-custom-field, athena.patients.custom-field-rows
  void byCustomField(HttpServletResponse rs, String fieldId, String value) throws IOException {
    List<Map<String, Object>> rows = new ArrayList<>();
    if (fieldId.equals(AthenaSeed.MRN_CUSTOM_FIELD_ID)) {
      for (Map.Entry<String, SeedPerson> e : patients.all()) {
        if (value.equals(e.getValue().mrn())) {
          rows.add(row(e.getKey(), e.getValue(), !answers.style().strict()));
        }
      }
    }
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("totalcount", rows.size());
    body.put("patients", rows);
    Answers.json(rs, 200, body);
  }

  /** {@code GET /patients/{patientid}}: an array of one patient (go-athenahealth, metriport). */
  // evidence: athena.patients.read
  void patient(HttpServletResponse rs, String patient) throws IOException {
    Answers.json(rs, 200, List.of(row(patient, patients.find(patient).orElseThrow(), true)));
  }

  /** {@code GET /patients/enhancedbestmatch?firstname&lastname&dob}: scored rows (recorded). */
  // evidence: athena.patients.enhancedbestmatch
  void enhancedBestMatch(HttpServletRequest rq, HttpServletResponse rs) throws IOException {
    List<String> absent = new ArrayList<>();
    for (String f : List.of("firstname", "lastname", "dob")) {
      if (rq.getParameter(f) == null) {
        absent.add(f);
      }
    }
    if (!absent.isEmpty()) {
      answers.missing(rs, absent);
      return;
    }
    List<Map<String, Object>> rows = new ArrayList<>();
    for (Map.Entry<String, SeedPerson> e : patients.all()) {
      SeedPerson p = e.getValue();
      if (p.family().equalsIgnoreCase(rq.getParameter("lastname")) && usDob(p).equals(rq.getParameter("dob"))) {
        Map<String, Object> row = row(e.getKey(), p, false);
        row.put("score", p.given().equalsIgnoreCase(rq.getParameter("firstname")) ? "26" : "19");
        rows.add(row);
      }
    }
    Answers.json(rs, 200, rows);
  }

  /** {@code POST /patients}: best-matches an existing patient before creating one (documented). */
  // evidence: athena.patients.create-bestmatches
  void createPatient(HttpServletRequest rq, HttpServletResponse rs) throws IOException {
    for (String f : List.of("lastname", "firstname", "dob", "departmentid")) {
      if (rq.getParameter(f) == null) {
        answers.missing(rs, List.of(f));
        return;
      }
    }
    LocalDate dob;
    try {
      dob = LocalDate.parse(rq.getParameter("dob"), ChartWrites.US_DATE);
    } catch (DateTimeParseException e) {
      answers.refused(rs, "dob must be mm/dd/yyyy");
      return;
    }
    String sex = rq.getParameter("sex");
    String[] result = patients.createOrMatch(new SeedPerson(null, rq.getParameter("lastname"),
        rq.getParameter("firstname"), "F".equals(sex) ? "female" : "M".equals(sex) ? "male" : "unknown",
        dob.toString()));
    Answers.json(rs, 200, List.of(Map.of("patientid", answers.style().id(result[0]))));
  }

  /**
   * {@code GET /chart/encounter/{encounterid}}: an array of one encounter {encounterid, status, encounterdate,
   * ...}, without the patient's id (recorded sandbox answer).
   */
  // evidence: athena.encounter.read
  void encounter(HttpServletResponse rs, String encounter) throws IOException {
    String[] known = AthenaSeed.ENCOUNTERS.get(encounter);
    if (known == null) {
      Answers.error(rs, 404, "Invalid encounter ID.");
      return;
    }
    Answers.json(rs, 200, List.of(encounterRow(encounter, known)));
  }

  /**
   * {@code GET /chart/{patientid}/encounters?limit=&offset=}: {@code {encounters: [...], totalcount, next}}, the
   * patient's encounters with their department and status (documented), paged with limit/offset.
   */
  // evidence: athena.encounters.list, athena.paging.limit-offset
  void encounters(HttpServletRequest rq, HttpServletResponse rs, String patient) throws IOException {
    List<Map<String, Object>> all = new ArrayList<>();
    new TreeMap<>(AthenaSeed.ENCOUNTERS).forEach((id, known) -> {
      if (known[0].equals(patient)) {
        all.add(encounterRow(id, known));
      }
    });
    int limit = Math.max(1, ChartReads.intParam(rq, "limit", 1000));
    int offset = ChartReads.intParam(rq, "offset", 0);
    Map<String, Object> body = new LinkedHashMap<>();
    if (offset + limit < all.size()) {
      body.put("next", rq.getRequestURI() + "?limit=" + limit + "&offset=" + (offset + limit));
    }
    body.put("totalcount", all.size());
    body.put("encounters", all.subList(Math.min(offset, all.size()), Math.min(offset + limit, all.size())));
    Answers.json(rs, 200, body);
  }

  /** {@code GET /reference/allergies?searchvalue=}: {allergy, allergyid} rows (recorded); strict: metriport's names. */
  // evidence: athena.reference.allergies, athena.reference.allergies-shape
  void allergens(HttpServletRequest rq, HttpServletResponse rs) throws IOException {
    String search = rq.getParameter("searchvalue");
    if (search == null || search.length() < 2) {
      answers.missing(rs, List.of("searchvalue"));
      return;
    }
    List<Map<String, Object>> rows = new ArrayList<>();
    new TreeMap<>(AthenaSeed.ALLERGENS).forEach((id, name) -> {
      if (name.toLowerCase().contains(search.toLowerCase())) {
        Map<String, Object> row = new LinkedHashMap<>();
        row.put(answers.style().strict() ? "allergenname" : "allergy", name);
        row.put(answers.style().strict() ? "allergenid" : "allergyid", answers.style().id(id));
        rows.add(row);
      }
    });
    Answers.json(rs, 200, rows);
  }

  /** {@code GET /reference/medications?searchvalue=}: {medicationid, medication} rows (recorded, go fixture). */
  // evidence: athena.reference.medications
  void medications(HttpServletRequest rq, HttpServletResponse rs) throws IOException {
    String search = rq.getParameter("searchvalue");
    if (search == null || search.length() < 2) {
      answers.missing(rs, List.of("searchvalue"));
      return;
    }
    List<Map<String, Object>> rows = new ArrayList<>();
    new TreeMap<>(AthenaSeed.MEDICATIONS).forEach((id, name) -> {
      if (name.toLowerCase().contains(search.toLowerCase())) {
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("medicationid", answers.style().id(id));
        row.put("medication", name);
        rows.add(row);
      }
    });
    Answers.json(rs, 200, rows);
  }

  private Map<String, Object> encounterRow(String id, String[] known) {
    Map<String, Object> row = new LinkedHashMap<>();
    row.put("encountertype", "VISIT");
    row.put("status", known[1]);
    row.put("encounterid", answers.style().id(id));
    row.put("departmentid", known[2]);
    row.put("encounterdate", "11/20/2026");
    return row;
  }

  private Map<String, Object> row(String id, SeedPerson p, boolean withCustomFields) {
    Map<String, Object> row = new LinkedHashMap<>();
    row.put("patientid", answers.style().id(id));
    row.put("firstname", p.given());
    row.put("lastname", p.family());
    row.put("dob", usDob(p));
    row.put("sex", p.gender().equals("female") ? "F" : p.gender().equals("male") ? "M" : "");
    row.put("status", "active");
    row.put("primarydepartmentid", AthenaSeed.DEPARTMENT_ID);
    if (withCustomFields && p.mrn() != null) {
      row.put("customfields", List.of(Map.of("customfieldid", AthenaSeed.MRN_CUSTOM_FIELD_ID,
          "customfieldvalue", p.mrn())));
    }
    return row;
  }

  private static String usDob(SeedPerson p) {
    return LocalDate.parse(p.birthDate()).format(ChartWrites.US_DATE);
  }
}
