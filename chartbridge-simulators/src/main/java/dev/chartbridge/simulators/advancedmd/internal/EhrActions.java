package dev.chartbridge.simulators.advancedmd.internal;

import dev.chartbridge.simulators.advancedmd.AdvancedMdSeed;
import dev.chartbridge.simulators.vendorkit.ChartStore;
import dev.chartbridge.simulators.vendorkit.SeedPerson;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.w3c.dom.Element;

/**
 * The simulated EHR actions of the XML-RPC API: writes ({@code addehrnote}, {@code addehrnotebyvisit},
 * {@code addehrproblem}, {@code uploadfile}, {@code saveehrccdadocument}) and the reads that find them
 * again. No idempotency: every accepted write is a new record. Thread-safe (the store is).
 */
public final class EhrActions {

  private final ChartStore store;

  public EhrActions(ChartStore store) {
    this.store = store;
  }

  /** Runs {@code action}; answers the XML body. */
  public String run(String action, Element msg) {
    return switch (action) {
      case "addehrnote" -> write(msg, "ehrnote", false, List.of("providerid", "notedate", "title"), "notetext");
      case "addehrnotebyvisit" -> write(msg, "ehrnote", true, List.of("providerid", "notedate", "title"), "notetext");
      case "addehrproblem" -> write(msg, "ehrproblem", false,
          List.of("code", "codetype", "description", "onsetdate", "status", "providerid"), null);
      case "uploadfile" -> write(msg, "file", false, List.of("filename", "filetype", "description"), "filecontents");
      case "saveehrccdadocument" -> write(msg, "ccdadocument", false, List.of("documentdate"), "ccda");
      case "getehrnotes" -> list(msg, "ehrnote");
      case "getehrproblems" -> list(msg, "ehrproblem");
      case "getpatientfiles" -> list(msg, null);
      case "getpatientvisits" -> visits(msg);
      case "lookuppatient" -> lookup(msg);
      default -> Ppmd.fault(Ppmd.UNKNOWN_ACTION, "Action '" + action + "' is not supported by the simulator");
    };
  }

  private String write(Element msg, String kind, boolean byVisit, List<String> attributes, String content) {
    String patient = msg.getAttribute("patientid");
    if (!AdvancedMdSeed.PATIENTS.containsKey(patient)) {
      return Ppmd.fault(Ppmd.NOT_FOUND, "Patient '" + patient + "' not found");
    }
    Map<String, String> fields = new LinkedHashMap<>();
    if (byVisit) {
      String visit = msg.getAttribute("visitid");
      String[] known = AdvancedMdSeed.VISITS.get(visit);
      if (known == null || !known[0].equals(patient)) {
        return Ppmd.fault(Ppmd.NOT_FOUND, "Visit '" + visit + "' not found for patient " + patient);
      }
      fields.put("visitid", visit);
    }
    for (String name : attributes) {
      if (msg.hasAttribute(name)) {
        fields.put(name, msg.getAttribute(name));
      }
    }
    if (kind.equals("ehrproblem") && fields.getOrDefault("code", "").isBlank()) {
      return Ppmd.fault(Ppmd.BAD_REQUEST, "Attribute 'code' is required");
    }
    if (content != null) {
      String text = Ppmd.child(msg, content);
      if (text == null || text.isBlank()) {
        return Ppmd.fault(Ppmd.BAD_REQUEST, "Element <" + content + "> is required");
      }
      if (!kind.equals("ehrnote") && !base64(text.trim())) {
        return Ppmd.fault(Ppmd.BAD_REQUEST, "Element <" + content + "> must be base64");
      }
      fields.put(content, text.trim());
    }
    if (kind.equals("file") && fields.getOrDefault("filename", "").isBlank()) {
      return Ppmd.fault(Ppmd.BAD_REQUEST, "Attribute 'filename' is required");
    }
    ChartStore.Entry entry = store.add(kind, patient, fields);
    return Ppmd.success(Ppmd.element(kind, Ppmd.attrs("id", entry.id(), "patientid", patient)));
  }

  private String list(Element msg, String kind) {
    String patient = msg.getAttribute("patientid");
    if (!AdvancedMdSeed.PATIENTS.containsKey(patient)) {
      return Ppmd.fault(Ppmd.NOT_FOUND, "Patient '" + patient + "' not found");
    }
    List<ChartStore.Entry> entries = store.list(kind, patient).stream()
        .filter(e -> kind != null || e.kind().equals("file") || e.kind().equals("ccdadocument"))
        .toList();
    String rows = entries.stream().map(e -> {
      Map<String, String> attributes = new LinkedHashMap<>();
      attributes.put("id", e.id());
      attributes.put("patientid", e.patientId());
      attributes.putAll(e.fields());
      attributes.put("createdat", e.storedAt());
      return Ppmd.element(e.kind(), attributes);
    }).collect(Collectors.joining());
    String list = kind == null ? "filelist" : kind + "list";
    return Ppmd.success("<" + list + " count=\"" + entries.size() + "\">" + rows + "</" + list + ">");
  }

  private String visits(Element msg) {
    String patient = msg.getAttribute("patientid");
    String rows = AdvancedMdSeed.VISITS.entrySet().stream()
        .filter(v -> v.getValue()[0].equals(patient))
        .sorted(Map.Entry.comparingByKey())
        .map(v -> Ppmd.element("visit", Ppmd.attrs("id", v.getKey(), "patientid", patient, "status", v.getValue()[1])))
        .collect(Collectors.joining());
    return Ppmd.success("<visitlist>" + rows + "</visitlist>");
  }

  private String lookup(Element msg) {
    String name = msg.getAttribute("name").toLowerCase();
    String chart = msg.getAttribute("chartnumber");
    String rows = AdvancedMdSeed.PATIENTS.entrySet().stream()
        .sorted(Map.Entry.comparingByKey())
        .filter(p -> chart.isEmpty() || p.getValue().mrn().equals(chart))
        .filter(p -> name.isEmpty() || fullName(p.getValue()).toLowerCase().startsWith(name))
        .map(p -> Ppmd.element("patient", Ppmd.attrs("id", p.getKey(), "name", fullName(p.getValue()),
            "chart", p.getValue().mrn(), "dob", p.getValue().birthDate(), "sex", p.getValue().gender())))
        .collect(Collectors.joining());
    return Ppmd.success("<patientlist>" + rows + "</patientlist>");
  }

  private static String fullName(SeedPerson person) {
    return person.family().toUpperCase() + "," + person.given().toUpperCase();
  }

  private static boolean base64(String text) {
    try {
      Base64.getMimeDecoder().decode(text);
      return true;
    } catch (IllegalArgumentException e) {
      return false;
    }
  }
}
