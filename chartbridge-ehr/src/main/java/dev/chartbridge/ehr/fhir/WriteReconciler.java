package dev.chartbridge.ehr.fhir;

import dev.chartbridge.core.adapter.ErrorClass;
import dev.chartbridge.core.adapter.FindOutcome;
import dev.chartbridge.core.adapter.RemoteRef;
import dev.chartbridge.core.adapter.VendorError;
import dev.chartbridge.core.adapter.WriteContext;
import org.hl7.fhir.r4.model.Base;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Resource;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Finds what an earlier create of a write left on a FHIR server that has no conditional create and is not
 * documented to keep a client's {@code identifier} (Epic, eCW): by content, never by that identifier alone. It lists
 * the patient's records of the type (a search the target declares, with what its vendor requires, e.g. Epic's
 * category on Observation; past any server cache) and takes as this write's: a record that carries this write's
 * identifier, or one that carries no gateway identifier and whose critical fields (code, value, components,
 * status, effective time, encounter, ...) equal what the write meant (the content fingerprint). A record that
 * carries another write's identifier is never taken. One match is {@code Found}, several {@code Ambiguous}. No match
 * is {@code Absent}, unless the record may sit where the server hides it (Epic's holding tank): then it is
 * {@code Undetermined}, so the engine searches again later and asks a human after its last check rather than
 * resending a duplicate. A failed search (no answer, an error outcome) is {@code Undetermined}. Thread-safe.
 */
public final class WriteReconciler {
    private static final Set<String> FINGERPRINT_IGNORES = Set.of("identifier");

    private final Searchset searches;
    private final SearchRules rules;

    WriteReconciler(Searchset searches, SearchRules rules) {
        this.searches = searches;
        this.rules = rules;
    }

    /**
     * @param expected  the resource the write meant to create (as rendered for the send)
     * @param patientId the EHR's id of the patient whose records are listed
     * @param mayBeHeld whether a created record of this type may be unreadable for now (holding tank)
     */
    public FindOutcome find(WriteContext write, Resource expected, String patientId, boolean mayBeHeld) {
        String type = write.resourceType();
        // evidence: epic.search.patient-required, epic.search.observation-category-or-code, ecw.search.declared
        SearchRules.Query query = rules.query(type).with("patient", patientId)
                .ifRequired("category", token(expected, "category"))
                .ifRequired("code", token(expected, "code"));
        Searchset.Results listed;
        try {
            listed = searches.run(query);
        } catch (Searchset.Failed f) {
            return new FindOutcome.Undetermined(f.error(), f.exchange(), f.retryAfter());
        }
        List<Resource> mine = new ArrayList<>();
        for (Resource candidate : listed.matches()) {
            String mark = gatewayMark(candidate);
            boolean sameContent = mark == null
                    && CriticalFields.differences(expected, candidate, FINGERPRINT_IGNORES).isEmpty();
            if (write.operationKey().equals(mark) || sameContent) {
                mine.add(candidate);
            }
        }
        if (!mine.isEmpty()) {
            List<RemoteRef> refs = mine.stream().map(r -> new RemoteRef(r.fhirType(), r.getIdElement().getIdPart(),
                    r.getMeta().getVersionId())).toList();
            return refs.size() == 1 ? new FindOutcome.Found(refs.get(0), listed.exchange())
                    : new FindOutcome.Ambiguous(refs, listed.exchange());
        }
        if (mayBeHeld) {
            return new FindOutcome.Undetermined(new VendorError(ErrorClass.UNKNOWN, "holding-tank",
                    "no readable record of this write; the EHR holds new " + type
                            + " records unreadable until a clinician reconciles them, so it may be there"),
                    listed.exchange());
        }
        return new FindOutcome.Absent(listed.exchange());
    }

    /** The write key of the gateway identifier a record carries, or null when it carries none. */
    private static String gatewayMark(Resource r) {
        var property = r.getNamedProperty("identifier");
        if (property == null) {
            return null;
        }
        for (Base v : property.getValues()) {
            if (v instanceof Identifier id && WriteContext.IDENTIFIER_SYSTEM.equals(id.getSystem())) {
                return id.getValue();
            }
        }
        return null;
    }

    /** {@code system|code} of the first coding of element {@code name} of {@code r}, or null. */
    static String token(Resource r, String name) {
        var property = r.getNamedProperty(name);
        if (property == null || property.getValues().isEmpty()
                || !(property.getValues().get(0) instanceof CodeableConcept concept) || !concept.hasCoding()) {
            return null;
        }
        var coding = concept.getCodingFirstRep();
        return (coding.hasSystem() ? coding.getSystem() + "|" : "") + coding.getCode();
    }
}
