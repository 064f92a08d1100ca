package dev.chartbridge.simulators.advancedmd.internal;

import dev.chartbridge.simulators.advancedmd.AdvancedMdSeed;
import dev.chartbridge.simulators.vendorkit.ChartStore;
import dev.chartbridge.simulators.vendorkit.SeedPerson;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;
import org.w3c.dom.Element;

/**
 * The simulated reads, in AdvancedMD's read shapes (never the write's form). {@code lookuppatient} searches by
 * name or chart number and answers {@code patientlist} rows ({@code id} like {@code pat45}, {@code name}
 * {@code LAST,FIRST}, {@code chart}, {@code dob}, {@code gender}); {@code getehrnotes} answers
 * {@code patientnotelist/patientnote} rows whose attribute names are the ones the request's template children ask
 * for, the template's fields under {@code page} (strict: under {@code pagelist/page/fieldlist}, as another reference
 * client reads them); {@code getpatientvisits} answers {@code visitlist/visit} rows with a {@code patient} child
 * (strict: the patient as an attribute); {@code getehrproblems} answers {@code problemlist/problem} rows (strict:
 * other casing). Thread-safe.
 */
// evidence: amd.action.lookuppatient, amd.read.patientlist, amd.id.patient, amd.action.getehrnotes
// evidence: amd.read.patientnote, amd.action.getpatientvisits, amd.read.visit-row, amd.read.visit-list
// evidence: amd.action.getehrproblems, amd.read.problem
final class EhrReads {

  private final ChartStore store;
  private final BooleanSupplier strict;

  EhrReads(ChartStore store, BooleanSupplier strict) {
    this.store = store;
    this.strict = strict;
  }

  String lookup(Element msg) {
    String name = msg.getAttribute("name").trim();
    if (name.isEmpty()) {
      return Ppmd.fault(Ppmd.MISSING_ATTRIBUTE, "Missing attribute: name");
    }
    List<Map.Entry<String, SeedPerson>> found = AdvancedMdSeed.PATIENTS.entrySet().stream()
        .sorted(Map.Entry.comparingByKey())
        .filter(p -> p.getValue().mrn().equals(name)
            || fullName(p.getValue()).startsWith(name.toUpperCase()))
        .toList();
    String rows = found.stream().map(p -> Ppmd.element("patient", Ppmd.attrs("id", p.getKey(),
        "name", fullName(p.getValue()), "chart", p.getValue().mrn(), "dob", p.getValue().birthDate(),
        "gender", p.getValue().gender()))).collect(Collectors.joining());
    return Ppmd.success("<patientlist itemcount=\"" + found.size() + "\" page=\"1\" pagecount=\"1\">" + rows
        + "</patientlist>");
  }

  String visits(Element msg) {
    String patient = msg.getAttribute("patientid");
    if (!AdvancedMdSeed.PATIENTS.containsKey(patient)) {
      return Ppmd.fault(Ppmd.INVALID_ATTRIBUTE, "Invalid attribute: patientid");
    }
    SeedPerson person = AdvancedMdSeed.PATIENTS.get(patient);
    String rows = AdvancedMdSeed.VISITS.entrySet().stream()
        .filter(v -> v.getValue()[0].equals(patient))
        .sorted(Map.Entry.comparingByKey())
        .map(v -> strict.getAsBoolean()
            ? Ppmd.element("visit", Ppmd.attrs("id", v.getKey(), "apptstatus", "Scheduled", "patientid", patient))
            : "<visit id=\"" + v.getKey() + "\" apptstatus=\"Scheduled\">" + Ppmd.element("patient",
                Ppmd.attrs("id", patient, "name", fullName(person), "chart", person.mrn())) + "</visit>")
        .collect(Collectors.joining());
    return Ppmd.success("<visitlist>" + rows + "</visitlist>");
  }

  String notes(Element msg) {
    String patient = msg.getAttribute("patientid");
    if (!AdvancedMdSeed.PATIENTS.containsKey(patient)) {
      return Ppmd.fault(Ppmd.INVALID_ATTRIBUTE, "Invalid attribute: patientid");
    }
    String template = msg.getAttribute("templateid");
    Map<String, String> noteColumns = columns(msg, "patientnote");
    Map<String, String> fieldColumns = columns(msg, "field");
    List<ChartStore.Entry> notes = store.list("patientnote", patient).stream()
        .filter(e -> template.isEmpty() || template.equals(e.fields().get("templateid"))).toList();
    StringBuilder rows = new StringBuilder();
    for (ChartStore.Entry e : notes) {
      Map<String, String> a = new LinkedHashMap<>();
      a.put("id", e.id());
      put(a, noteColumns, "TemplateName", AdvancedMdSeed.NOTE_TEMPLATE_NAME);
      put(a, noteColumns, "NoteDateTime", e.fields().get("notedatetime"));
      put(a, noteColumns, "UserName", AdvancedMdSeed.USERNAME);
      put(a, noteColumns, "SignedByUser", AdvancedMdSeed.USERNAME);
      StringBuilder fields = new StringBuilder();
      for (String name : List.of(AdvancedMdSeed.NOTE_FIELD_TEXT, AdvancedMdSeed.NOTE_FIELD_TITLE)) {
        if (e.fields().containsKey(name)) {
          Map<String, String> f = new LinkedHashMap<>();
          put(f, fieldColumns, "FieldName", name);
          put(f, fieldColumns, "Value", e.fields().get(name));
          fields.append(Ppmd.element("field", f));
        }
      }
      String page = strict.getAsBoolean()
          ? "<pagelist><page pagename=\"PAGE 1\"><fieldlist>" + fields + "</fieldlist></page></pagelist>"
          : "<page pagename=\"PAGE 1\">" + fields + "</page>";
      rows.append(Ppmd.open("patientnote", a)).append(page).append("</patientnote>");
    }
    return Ppmd.success("<patientnotelist>" + rows + "</patientnotelist>")
        .replace("<Results success=\"1\">", "<Results success=\"1\" patientnotecount=\"" + notes.size() + "\">");
  }

  String problems(Element msg) {
    String patient = msg.getAttribute("patientid");
    if (!AdvancedMdSeed.PATIENTS.containsKey(patient)) {
      return Ppmd.fault(Ppmd.INVALID_ATTRIBUTE, "Invalid attribute: patientid");
    }
    boolean other = strict.getAsBoolean();
    String rows = store.list("problem", patient).stream().map(e -> {
      Map<String, String> a = new LinkedHashMap<>();
      a.put(other ? "Id" : "id", e.id());
      e.fields().forEach((k, v) -> a.put(other ? Character.toUpperCase(k.charAt(0)) + k.substring(1) : k, v));
      a.put(other ? "CreatedAt" : "createdat", e.storedAt());
      return Ppmd.element(other ? "Problem" : "problem", a);
    }).collect(Collectors.joining());
    String list = other ? "ProblemList" : "problemlist";
    return Ppmd.success("<" + list + ">" + rows + "</" + list + ">");
  }

  /**
   * What the request's template child {@code tag} asks: column (its attribute value, e.g. {@code FieldName}) to
   * the attribute name the answer uses; the reference client's names when the request names none.
   */
  private static Map<String, String> columns(Element msg, String tag) {
    Map<String, String> out = new LinkedHashMap<>();
    List<Element> template = Ppmd.children(msg, tag);
    if (template.isEmpty()) {
      out.putAll(Map.of("TemplateName", "templatename", "NoteDateTime", "notedatetime", "UserName", "username",
          "SignedByUser", "signedbyuser", "FieldName", "fieldname", "Value", "value"));
      return out;
    }
    var attributes = template.get(0).getAttributes();
    for (int i = 0; i < attributes.getLength(); i++) {
      out.put(attributes.item(i).getNodeValue(), attributes.item(i).getNodeName());
    }
    return out;
  }

  private static void put(Map<String, String> row, Map<String, String> columns, String column, String value) {
    String name = columns.get(column);
    if (name != null && value != null) {
      row.put(name, value);
    }
  }

  private static String fullName(SeedPerson person) {
    return person.family().toUpperCase() + "," + person.given().toUpperCase();
  }
}
