package dev.chartbridge.ehr.fhir;

import ca.uhn.fhir.model.api.TemporalPrecisionEnum;
import org.hl7.fhir.instance.model.api.IPrimitiveType;
import org.hl7.fhir.r4.model.BaseDateTimeType;
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
 * additions (ids, meta, narrative) are ignored. Dates and times are compared as instants at the precision the
 * server kept, references by resource id (without version). Each vendor's list is in {@code docs/fhir-answers.md}.
 * Stateless and thread-safe.
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
     * As {@link #differences(Resource, Resource)}, leaving out the {@code ignored} fields: e.g. the gateway's
     * identifier at a vendor not documented to keep it, or a content fingerprint that must match a record whatever
     * identifiers the EHR kept on it.
     */
    public static List<String> differences(Resource expected, Resource actual, Set<String> ignored) {
        List<String> different = new ArrayList<>();
        for (String field : FIELDS.getOrDefault(expected.fhirType(), List.of())) {
            if (ignored.contains(field)) {
                continue;
            }
            if (!same(values(expected, field), values(actual, field))) {
                different.add(field);
            }
        }
        return different;
    }

    /**
     * One primitive beneath a field: its text, or for a date and time the instant and the precision it was given
     * in (a server that keeps seconds answers {@code 10:00:00} for {@code 10:00:00.123}).
     */
    private record Value(String text, Long millis, TemporalPrecisionEnum precision) implements Comparable<Value> {
        @Override
        public int compareTo(Value o) {
            return millis != null && o.millis != null ? millis.compareTo(o.millis) : text.compareTo(o.text);
        }
    }

    private static boolean same(List<Value> expected, List<Value> actual) {
        if (expected.size() != actual.size()) {
            return false;
        }
        for (int i = 0; i < expected.size(); i++) {
            Value e = expected.get(i);
            Value a = actual.get(i);
            boolean equal = e.millis() != null && a.millis() != null ? sameInstant(e, a) : e.text().equals(a.text());
            if (!equal) {
                return false;
            }
        }
        return true;
    }

    /**
     * Instants compared at the precision the server kept, seconds at the coarsest: {@code 10:00:00.123} sent and
     * {@code 10:00:00} read back are the same instant; {@code 10:00:01} is not, nor is a time cut to the minute or
     * the day.
     */
    // evidence: fhir.datetime.precision
    private static boolean sameInstant(Value expected, Value actual) {
        TemporalPrecisionEnum e = expected.precision();
        TemporalPrecisionEnum a = actual.precision();
        int second = TemporalPrecisionEnum.SECOND.ordinal();
        if (e == null || a == null || e.ordinal() < second || a.ordinal() < second) {
            return expected.millis().equals(actual.millis()) && e == a;
        }
        long unit = e == TemporalPrecisionEnum.SECOND || a == TemporalPrecisionEnum.SECOND ? 1000 : 1;
        return Math.floorDiv(expected.millis(), unit) == Math.floorDiv(actual.millis(), unit);
    }

    private static List<Value> values(Resource resource, String field) {
        List<Value> out = new ArrayList<>();
        Property property = resource.getNamedProperty(field);
        if (property != null) {
            for (Base value : property.getValues()) {
                collect(value, out);
            }
        }
        out.sort(null);
        return out;
    }

    private static void collect(Base value, List<Value> out) {
        if (value instanceof Reference ref && ref.hasReference()) {
            out.add(new Value(normalizeReference(ref.getReference()), null, null));
        } else if (value instanceof BaseDateTimeType date && date.getValue() != null) {
            out.add(new Value(date.getValueAsString(), date.getValue().getTime(), date.getPrecision()));
        } else if (value.isPrimitive()) {
            out.add(new Value(normalize(value), null, null));
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
        return s == null ? "" : s;
    }

    /**
     * {@code http://host/fhir/Patient/1/_history/2} and {@code Patient/1} name the same record: servers may keep a
     * reference without its version (HAPI FHIR by default).
     */
    // evidence: fhir.reference.version-stripped
    static String normalizeReference(String reference) {
        String r = reference.replaceAll("/_history/[^/]+$", "");
        String[] parts = r.split("/");
        return parts.length >= 2 ? parts[parts.length - 2] + "/" + parts[parts.length - 1] : r;
    }
}
