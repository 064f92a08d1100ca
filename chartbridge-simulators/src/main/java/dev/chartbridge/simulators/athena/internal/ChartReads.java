package dev.chartbridge.simulators.athena.internal;

import dev.chartbridge.simulators.vendorkit.ChartStore;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The chart reads in athena's own read shapes, which are not the write forms: problems carry {@code code} and
 * {@code events}; allergies {@code allergenid}, {@code allergenname}, {@code reactions}; medications come as an
 * array of arrays; vitals grouped vital, attributes, readings; documents in the patient's document list. Chart
 * sections need {@code departmentid}. Thread-safe (the store is).
 */
final class ChartReads {

  private static final DateTimeFormatter US_DATE = DateTimeFormatter.ofPattern("MM/dd/uuuu").withZone(ZoneOffset.UTC);
  private static final DateTimeFormatter US_DATE_TIME =
      DateTimeFormatter.ofPattern("MM/dd/uuuu HH:mm:ss").withZone(ZoneOffset.UTC);

  private final ChartStore store;
  private final Answers answers;

  ChartReads(ChartStore store, Answers answers) {
    this.store = store;
    this.answers = answers;
  }

  private boolean department(HttpServletRequest rq, HttpServletResponse rs) throws IOException {
    String department = rq.getParameter("departmentid");
    if (department == null || department.isBlank()) {
      answers.missing(rs, List.of("departmentid"));
      return false;
    }
    return true;
  }

  /**
   * {@code GET /chart/{patientid}/problems?departmentid=}: {@code {lastupdated, totalcount, problems: [{problemid,
   * code, codeset, name, events: [{eventtype, startdate, createddate}], lastmodifieddatetime}]}} (recorded and
   * go-athenahealth's fixture). Where a problem's status sits is not shown by any source: normal mode puts it on
   * the START event, strict mode on the problem.
   */
  // evidence: athena.problems.list, athena.problems.read-shape, athena.problems.status-placement
  void problems(HttpServletRequest rq, HttpServletResponse rs, String patient) throws IOException {
    if (!department(rq, rs)) {
      return;
    }
    List<Map<String, Object>> rows = new ArrayList<>();
    for (ChartStore.Entry e : store.list("problem", patient)) {
      Map<String, String> f = e.fields();
      Map<String, Object> event = new LinkedHashMap<>();
      event.put("eventtype", "START");
      event.put("startdate", f.getOrDefault("startdate", US_DATE.format(Instant.parse(e.storedAt()))));
      event.put("createddate", US_DATE.format(Instant.parse(e.storedAt())));
      event.put("source", "ENCOUNTER");
      Map<String, Object> row = new LinkedHashMap<>();
      row.put("problemid", answers.style().id(e.id()));
      row.put("code", f.get("snomedcode"));
      row.put("codeset", "SNOMED");
      row.put("name", "SNOMED " + f.get("snomedcode"));
      row.put("events", List.of(event));
      if (f.get("status") != null) {
        (answers.style().strict() ? row : event).put("status", f.get("status"));
      }
      row.put("lastmodifieddatetime", e.storedAt());
      row.put("lastmodifiedby", f.containsKey(ChartStore.EDITED_FIELD) ? "another.user" + f.get(ChartStore.EDITED_FIELD)
          : "API-195900");
      rows.add(row);
    }
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("lastupdated", US_DATE.format(Instant.now()));
    body.put("totalcount", rows.size());
    body.put("problems", rows);
    Answers.json(rs, 200, body);
  }

  /**
   * {@code GET /chart/{patientid}/allergies?departmentid=}: {@code {lastupdated, nkda, allergies: [{allergenid,
   * allergenname, onsetdate, note, reactions: [{reactionname, snomedcode, severity}]}]}} (recorded; metriport).
   */
  // evidence: athena.allergies.list, athena.allergies.read-shape
  void allergies(HttpServletRequest rq, HttpServletResponse rs, String patient) throws IOException {
    if (!department(rq, rs)) {
      return;
    }
    List<Map<String, Object>> rows = new ArrayList<>();
    for (ChartStore.Entry e : store.list("allergy", patient)) {
      Map<String, Object> row = new LinkedHashMap<>();
      Map<String, String> f = e.fields();
      row.put("allergenname", f.get("allergenname"));
      row.put("allergenid", f.get("allergenid"));
      for (String k : List.of("onsetdate", "note", "criticality")) {
        if (f.get(k) != null) {
          row.put(k, f.get(k));
        }
      }
      row.put("reactions", Answers.JSON.readTree(f.getOrDefault("reactions", "[]")));
      rows.add(row);
    }
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("lastupdated", US_DATE.format(Instant.now()));
    body.put("nkda", "false");
    body.put("allergies", rows);
    Answers.json(rs, 200, body);
  }

  /**
   * {@code GET /chart/{patientid}/medications?departmentid=}: {@code {lastupdated, medications: [[{medicationentryid,
   * medicationid, medication, unstructuredsig, events: [{eventdate, type}]}]]}}: an array of arrays (recorded).
   */
  // evidence: athena.medications.list, athena.medications.read-shape
  void medications(HttpServletRequest rq, HttpServletResponse rs, String patient) throws IOException {
    if (!department(rq, rs)) {
      return;
    }
    List<List<Map<String, Object>>> groups = new ArrayList<>();
    for (ChartStore.Entry e : store.list("medication", patient)) {
      Map<String, String> f = e.fields();
      Map<String, Object> row = new LinkedHashMap<>();
      row.put("medicationentryid", answers.style().id(e.id()));
      row.put("medicationid", f.get("medicationid"));
      row.put("medication", f.get("medication"));
      row.put("source", "API");
      row.put("createdby", "API-195900");
      if (f.get("unstructuredsig") != null) {
        row.put("unstructuredsig", f.get("unstructuredsig"));
      }
      List<Map<String, String>> events = new ArrayList<>();
      events.add(Map.of("eventdate", US_DATE.format(Instant.parse(e.storedAt())), "type", "ENTER"));
      if (f.get("startdate") != null) {
        events.add(Map.of("eventdate", f.get("startdate"), "type", "START"));
      }
      if (f.get("stopdate") != null) {
        events.add(Map.of("eventdate", f.get("stopdate"), "type", "END"));
      }
      row.put("events", events);
      groups.add(List.of(row));
    }
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("lastupdated", US_DATE.format(Instant.now()));
    body.put("medications", groups);
    Answers.json(rs, 200, body);
  }

  /**
   * {@code GET /chart/encounter/{encounterid}/vitals}: an array of vital groups {abbreviation, key, ordering,
   * readings}; readings link to attributes by {@code clinicalelementid} (documented). The readings' nesting is
   * not shown by any source: normal mode gives an array of reading sets (arrays), strict mode a flat array.
   */
  // evidence: athena.vitals.encounter-list, athena.vitals.read-shape, athena.vitals.readings-nesting, athena.vitals.readingtaken-format
  void encounterVitals(HttpServletResponse rs, String encounter) throws IOException {
    Map<String, List<List<Map<String, Object>>>> byKey = new LinkedHashMap<>();
    Map<String, List<Map<String, Object>>> sets = new LinkedHashMap<>();
    for (ChartStore.Entry e : store.list("vitals", null)) {
      Map<String, String> f = e.fields();
      if (!encounter.equals(f.get("encounterid"))) {
        continue;
      }
      String element = f.get("clinicalelementid");
      String key = element.split("\\.").length > 1 ? element.split("\\.")[1] : element;
      String set = f.getOrDefault("readingid", e.id());
      Map<String, Object> reading = new LinkedHashMap<>();
      reading.put("clinicalelementid", element);
      reading.put("value", f.get("value"));
      String taken = f.get("readingtaken");
      // No source shows the read's time format: strict mode keeps the minute only.
      reading.put("readingtaken", answers.style().strict() && taken != null && taken.length() == 19
          ? taken.substring(0, 16) : taken);
      reading.put("vitalid", answers.style().id(e.id()));
      reading.put("readingid", answers.style().id(set));
      reading.put("source", f.get("source"));
      reading.put("createddate", US_DATE_TIME.format(Instant.parse(e.storedAt())));
      if (f.containsKey(ChartStore.EDITED_FIELD)) {
        reading.put("lastmodifiedby", "another.user" + f.get(ChartStore.EDITED_FIELD));
      }
      sets.computeIfAbsent(key + "|" + set, k -> {
        List<Map<String, Object>> list = new ArrayList<>();
        byKey.computeIfAbsent(key, x -> new ArrayList<>()).add(list);
        return list;
      }).add(reading);
    }
    List<Map<String, Object>> groups = new ArrayList<>();
    int ordering = 0;
    for (Map.Entry<String, List<List<Map<String, Object>>>> g : byKey.entrySet()) {
      Map<String, Object> group = new LinkedHashMap<>();
      group.put("abbreviation", g.getKey().substring(0, Math.min(2, g.getKey().length())));
      group.put("key", g.getKey());
      group.put("ordering", ordering++);
      group.put("readings", answers.style().strict() ? g.getValue().stream().flatMap(List::stream).toList()
          : g.getValue());
      groups.add(group);
    }
    Answers.json(rs, 200, groups);
  }

  /**
   * {@code GET /patients/{patientid}/documents?departmentid=&limit=&offset=}: {@code {documents: [...], next,
   * totalcount}}, paged with limit/offset and a {@code next} link (recorded). Each row carries {@code documentid},
   * {@code documentclass}, {@code documentsubclass}, {@code internalnote}, {@code createddatetime}; normal mode also
   * the class's own id ({@code clinicaldocumentid}, as recorded rows carry {@code adminid}), strict mode not.
   */
  // evidence: athena.documents.list, athena.documents.read-shape, athena.paging.limit-offset
  void documents(HttpServletRequest rq, HttpServletResponse rs, String patient) throws IOException {
    if (!department(rq, rs)) {
      return;
    }
    int limit = intParam(rq, "limit", 10);
    int offset = intParam(rq, "offset", 0);
    List<ChartStore.Entry> all = store.list("clinicaldocument", patient);
    List<Map<String, Object>> rows = new ArrayList<>();
    for (ChartStore.Entry e : all.subList(Math.min(offset, all.size()), Math.min(offset + limit, all.size()))) {
      Map<String, String> f = e.fields();
      Map<String, Object> row = new LinkedHashMap<>();
      row.put("documentid", answers.style().id(e.id()));
      if (!answers.style().strict()) {
        row.put("clinicaldocumentid", answers.style().id(e.id()));
      }
      row.put("documentclass", "CLINICALDOCUMENT");
      row.put("documentsubclass", f.get("documentsubclass"));
      row.put("status", f.getOrDefault("status", "REVIEW"));
      if (f.get("internalnote") != null) {
        row.put("internalnote", f.get("internalnote"));
      }
      row.put("departmentid", f.get("departmentid"));
      row.put("createddatetime", e.storedAt());
      row.put("lastmodifieddatetime", e.storedAt());
      if (f.containsKey(ChartStore.EDITED_FIELD)) {
        row.put("lastmodifiedby", "another.user" + f.get(ChartStore.EDITED_FIELD));
      }
      rows.add(row);
    }
    Map<String, Object> body = new LinkedHashMap<>();
    if (offset + limit < all.size()) {
      body.put("next", rq.getRequestURI() + "?departmentid=" + rq.getParameter("departmentid") + "&limit=" + limit
          + "&offset=" + (offset + limit));
    }
    body.put("totalcount", all.size());
    body.put("documents", rows);
    Answers.json(rs, 200, body);
  }

  static int intParam(HttpServletRequest rq, String name, int fallback) {
    try {
      return rq.getParameter(name) == null ? fallback : Math.max(0, Integer.parseInt(rq.getParameter(name)));
    } catch (NumberFormatException e) {
      return fallback;
    }
  }

}
