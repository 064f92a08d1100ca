package dev.chartbridge.ehr.fhir;

import org.hl7.fhir.instance.model.api.IPrimitiveType;
import org.hl7.fhir.r4.model.Base;
import org.hl7.fhir.r4.model.Property;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Resource;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The fields of each resource type whose loss or change matters clinically, and the comparison of what was meant
 * to be written with what the EHR reads back. Each field is compared as the sorted set of every primitive value
 * beneath it, so a dropped component, an altered unit or a changed code are all caught, while the server's own
 * additions (ids, meta, narrative) are ignored. Stateless and thread-safe.
 */
public final class CriticalFields {
    private static final Map<String, List<String>> FIELDS = Map.of(
            "Observation", List.of("status", "code", "value", "component", "subject", "effective", "identifier"),
            "DocumentReference", List.of("docStatus", "type", "content", "subject", "context", "identifier"),
            "Condition", List.of("code", "clinicalStatus", "verificationStatus", "subject", "onset", "identifier"),
            "AllergyIntolerance", List.of("code", "clinicalStatus", "verificationStatus", "criticality", "patient",
                    "reaction", "identifier"),
            "MedicationRequest", List.of("status", "intent", "medication", "subject", "dosageInstruction",
                    "identifier"),
            "Task", List.of("status", "intent", "priority", "description", "for", "restriction", "identifier"),
            "Consent", List.of("status", "scope", "patient", "provision", "identifier"),
            "Provenance", List.of("target", "recorded", "agent", "entity", "signature"));

    private CriticalFields() {
    }

    /** The critical fields of {@code expected} that {@code actual} lacks or holds differently; empty when all match. */
    public static List<String> differences(Resource expected, Resource actual) {
        return differences(expected, actual, Set.of());
    }

    /**
     * As {@link #differences(Resource, Resource)}, leaving out the {@code ignored} fields: e.g. a content
     * fingerprint that must match a record whatever identifiers the EHR kept on it.
     */
    public static List<String> differences(Resource expected, Resource actual, Set<String> ignored) {
        List<String> different = new ArrayList<>();
        for (String field : FIELDS.getOrDefault(expected.fhirType(), List.of())) {
            if (ignored.contains(field)) {
                continue;
            }
            if (!values(expected, field).equals(values(actual, field))) {
                different.add(field);
            }
        }
        return different;
    }

    private static List<String> values(Resource resource, String field) {
        List<String> out = new ArrayList<>();
        Property property = resource.getNamedProperty(field);
        if (property != null) {
            for (Base value : property.getValues()) {
                collect(value, out);
            }
        }
        out.sort(null);
        return out;
    }

    private static void collect(Base value, List<String> out) {
        if (value instanceof Reference ref && ref.hasReference()) {
            out.add(normalizeReference(ref.getReference()));
        } else if (value.isPrimitive()) {
            out.add(normalize(value));
        } else {
            for (Property child : value.children()) {
                for (Base v : child.getValues()) {
                    collect(v, out);
                }
            }
        }
    }

    private static String normalize(Base primitive) {
        IPrimitiveType<?> p = (IPrimitiveType<?>) primitive;
        String s = p.getValueAsString();
        if (p.getValue() instanceof BigDecimal d) {
            return d.stripTrailingZeros().toPlainString();
        }
        if (p.getValue() instanceof java.util.Date d) {
            return Long.toString(d.getTime());
        }
        return s == null ? "" : s;
    }

    /** {@code http://host/fhir/Patient/1/_history/2} and {@code Patient/1} name the same patient. */
    private static String normalizeReference(String reference) {
        String r = reference.replaceAll("/_history/[^/]+$", "");
        String[] parts = r.split("/");
        return parts.length >= 2 ? parts[parts.length - 2] + "/" + parts[parts.length - 1] : r;
    }
}
