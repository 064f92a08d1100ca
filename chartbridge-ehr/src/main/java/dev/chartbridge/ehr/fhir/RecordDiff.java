package dev.chartbridge.ehr.fhir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.chartbridge.core.json.Json;
import dev.chartbridge.ehr.FhirContexts;
import org.hl7.fhir.r4.model.Resource;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * Compares FHIR records element by element (top-level elements of the JSON form), to tell which fields an
 * update changes, which fields someone else changed since the gateway's write, and to merge the two when they do
 * not overlap. The server's bookkeeping (id, versionId, lastUpdated, narrative) is not a change; tags and
 * security labels are ({@code meta.tag}). Stateless and thread-safe.
 */
final class RecordDiff {
    private static final Set<String> BOOKKEEPING = Set.of("resourceType", "id", "meta", "text", "implicitRules",
            "language");
    static final String META_TAG = "meta.tag";

    private RecordDiff() {
    }

    static ObjectNode json(Resource resource) {
        return parse(FhirContexts.r4().newJsonParser().encodeResourceToString(resource));
    }

    static ObjectNode parse(String json) {
        try {
            return (ObjectNode) Json.MAPPER.readTree(json);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The elements whose values differ between {@code a} and {@code b}, sorted. */
    static List<String> changed(ObjectNode a, ObjectNode b) {
        TreeSet<String> names = new TreeSet<>();
        a.fieldNames().forEachRemaining(names::add);
        b.fieldNames().forEachRemaining(names::add);
        List<String> changed = new ArrayList<>();
        for (String name : names) {
            if (!BOOKKEEPING.contains(name) && !a.path(name).equals(b.path(name))) {
                changed.add(name);
            }
        }
        if (!labels(a).equals(labels(b))) {
            changed.add(META_TAG);
        }
        return changed;
    }

    /** Whether every one of {@code fields} reads in {@code actual} as in {@code intended}. */
    static boolean shows(ObjectNode intended, ObjectNode actual, List<String> fields) {
        for (String f : fields) {
            boolean same = META_TAG.equals(f) ? labels(intended).equals(labels(actual))
                    : intended.path(f).equals(actual.path(f));
            if (!same) {
                return false;
            }
        }
        return true;
    }

    /** {@code theirs} with the gateway's {@code fields} taken from {@code mine}: both sides' changes kept. */
    static ObjectNode merge(ObjectNode theirs, ObjectNode mine, List<String> fields) {
        ObjectNode merged = theirs.deepCopy();
        for (String f : fields) {
            if (META_TAG.equals(f)) {
                continue;
            }
            if (mine.has(f)) {
                merged.set(f, mine.get(f).deepCopy());
            } else {
                merged.remove(f);
            }
        }
        return merged;
    }

    /** {@code record} marked entered-in-error, everything else kept; the changed element's name is returned. */
    static String markEnteredInError(ObjectNode record) {
        String type = record.path("resourceType").asText();
        if ("Condition".equals(type) || "AllergyIntolerance".equals(type)) {
            String system = "Condition".equals(type)
                    ? "http://terminology.hl7.org/CodeSystem/condition-ver-status"
                    : "http://terminology.hl7.org/CodeSystem/allergyintolerance-verification";
            ObjectNode coding = Json.MAPPER.createObjectNode().put("system", system).put("code", "entered-in-error");
            record.putObject("verificationStatus").putArray("coding").add(coding);
            // R4: an entered-in-error condition or allergy carries no clinical status.
            record.remove("clinicalStatus");
            return "verificationStatus";
        }
        record.put("status", "entered-in-error");
        return "status";
    }

    private static JsonNode labels(ObjectNode r) {
        ObjectNode l = Json.MAPPER.createObjectNode();
        l.set("tag", r.path("meta").path("tag"));
        l.set("security", r.path("meta").path("security"));
        return l;
    }
}
