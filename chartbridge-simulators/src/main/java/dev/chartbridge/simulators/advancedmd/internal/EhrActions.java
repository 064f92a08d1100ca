package dev.chartbridge.simulators.advancedmd.internal;

import dev.chartbridge.simulators.advancedmd.AdvancedMdSeed;
import dev.chartbridge.simulators.vendorkit.ChartStore;
import java.time.Clock;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.BooleanSupplier;
import org.w3c.dom.Element;

/**
 * The simulated EHR writes of the XML-RPC API: {@code addehrnote} (patient), {@code addehrnotebyvisit} (visit), both
 * filed in an EHR template as its fields, and {@code addehrproblem} (ICD-10 code); reads are {@link EhrReads}. No
 * idempotency: every accepted write is a new record. The answer's shape is assumed (no public source shows it):
 * normally the new record as {@code <patientnote id/>} or {@code <problem id/>} in the results; in strict mode the id
 * is a child element of a differently cased record. Thread-safe (the store is).
 */
// evidence: amd.action.addehrnote, amd.action.addehrnotebyvisit, amd.request.addehrnote-xml, amd.action.addehrproblem
// evidence: amd.request.addehrproblem-xml, amd.response.addehrnote-id, amd.response.addehrproblem-id
// evidence: amd.behaviour.no-idempotency, amd.error.unknown-patient, amd.read.notedatetime
public final class EhrActions {

  static final DateTimeFormatter NOTE_TIME = DateTimeFormatter.ofPattern("M/d/yyyy h:mm a", Locale.US);
  private final ChartStore store;
  private final Clock clock;
  private final BooleanSupplier strict;
  private final EhrReads reads;

  public EhrActions(ChartStore store, Clock clock, BooleanSupplier strict) {
    this.store = store;
    this.clock = clock;
    this.strict = strict;
    this.reads = new EhrReads(store, strict);
  }

  /** Runs {@code action}; answers the XML body. */
  public String run(String action, Element msg) {
    return switch (action) {
      case "addehrnote" -> note(msg, false);
      case "addehrnotebyvisit" -> note(msg, true);
      case "addehrproblem" -> problem(msg);
      case "getehrnotes" -> reads.notes(msg);
      case "getehrproblems" -> reads.problems(msg);
      case "getpatientvisits" -> reads.visits(msg);
      case "lookuppatient" -> reads.lookup(msg);
      default -> Ppmd.fault(Ppmd.INVALID_ELEMENT, "Action '" + action + "' is not supported by the simulator");
    };
  }

  private String note(Element msg, boolean byVisit) {
    String patient;
    Map<String, String> fields = new LinkedHashMap<>();
    if (byVisit) {
      String visit = msg.getAttribute("visitid");
      String[] known = AdvancedMdSeed.VISITS.get(visit);
      if (known == null) {
        return Ppmd.fault(Ppmd.INVALID_ATTRIBUTE, "Invalid attribute: visitid");
      }
      patient = known[0];
      fields.put("visitid", visit);
    } else {
      patient = msg.getAttribute("patientid");
      if (!AdvancedMdSeed.PATIENTS.containsKey(patient)) {
        return Ppmd.fault(Ppmd.INVALID_ATTRIBUTE, "Invalid attribute: patientid");
      }
    }
    if (!AdvancedMdSeed.NOTE_TEMPLATE_ID.equals(msg.getAttribute("templateid"))) {
      return Ppmd.fault(Ppmd.INVALID_ATTRIBUTE, "Invalid attribute: templateid");
    }
    fields.put("templateid", AdvancedMdSeed.NOTE_TEMPLATE_ID);
    fields.put("notedatetime", NOTE_TIME.format(clock.instant().atZone(ZoneId.of(AdvancedMdSeed.TIME_ZONE))));
    List<Element> given = Ppmd.children(msg, "field");
    if (given.isEmpty()) {
      return Ppmd.fault(Ppmd.MISSING_ATTRIBUTE, "Missing element: field");
    }
    for (Element field : given) {
      String name = field.getAttribute("fieldname");
      if (!name.equals(AdvancedMdSeed.NOTE_FIELD_TEXT) && !name.equals(AdvancedMdSeed.NOTE_FIELD_TITLE)) {
        return Ppmd.fault(Ppmd.INVALID_ATTRIBUTE, "Invalid attribute: fieldname");
      }
      fields.put(name, field.getAttribute("value"));
    }
    return created("patientnote", store.add("patientnote", patient, fields));
  }

  private String problem(Element msg) {
    String patient = msg.getAttribute("patientid");
    if (!AdvancedMdSeed.PATIENTS.containsKey(patient)) {
      return Ppmd.fault(Ppmd.INVALID_ATTRIBUTE, "Invalid attribute: patientid");
    }
    if (msg.getAttribute("code").isBlank()) {
      return Ppmd.fault(Ppmd.MISSING_ATTRIBUTE, "Missing attribute: code");
    }
    Map<String, String> fields = new LinkedHashMap<>();
    for (String name : List.of("code", "codeset", "description", "status", "onsetdate")) {
      if (msg.hasAttribute(name)) {
        fields.put(name, msg.getAttribute(name));
      }
    }
    return created("problem", store.add("problem", patient, fields));
  }

  private String created(String kind, ChartStore.Entry entry) {
    if (strict.getAsBoolean()) {
      String tag = kind.equals("patientnote") ? "PatientNote" : "Problem";
      return Ppmd.success("<" + tag + "><id>" + Ppmd.esc(entry.id()) + "</id></" + tag + ">");
    }
    return Ppmd.success(Ppmd.element(kind, Ppmd.attrs("id", entry.id())));
  }
}
