package dev.chartbridge.ehr.fhir;

import dev.chartbridge.core.adapter.FindOutcome;
import dev.chartbridge.core.adapter.ProvenanceContext;
import dev.chartbridge.core.adapter.ProvenanceWriter;
import dev.chartbridge.core.adapter.RemoteRef;
import dev.chartbridge.core.adapter.VerifyOutcome;
import dev.chartbridge.ehr.PreparedSend;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.Provenance;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Resource;

import java.util.ArrayList;
import java.util.List;

/**
 * Sends the Provenance of an AI-assisted event's writes to a standard FHIR server ({@link FhirProvenanceMapping}):
 * created once, conditional on the gateway's mark ({@code If-None-Exist: _tag=urn:chartbridge:write|key}); an
 * unknown outcome is found by searching that tag before anything is resent; and it is read back, its targets
 * compared version for version. Thread-safe.
 */
final class FhirProvenanceWriter {
    private final FhirServer server;
    private final MarkedCreate creates;

    FhirProvenanceWriter(FhirServer server, Searchset searches, SearchRules rules) {
        this.server = server;
        this.creates = new MarkedCreate(server, searches, rules, MarkedCreate.BY_TAG);
    }

    PreparedSend prepare(ProvenanceContext p) {
        return creates.prepare(FhirProvenanceMapping.render(p), p.write().operationKey(), null);
    }

    FindOutcome find(ProvenanceContext p) {
        return creates.find(ProvenanceWriter.RESOURCE_TYPE, p.write().operationKey(), null);
    }

    VerifyOutcome verify(ProvenanceContext p) {
        RemoteRef remote = p.write().remote();
        return ReadCompare.verify(remote, () -> (Resource) server.client().read().resource(remote.resourceType())
                .withId(remote.id()).execute(), actual -> differences(FhirProvenanceMapping.render(p), actual));
    }

    /**
     * The critical fields that differ. A target is compared by resource id, and version for version where the server
     * kept the version: HAPI FHIR stores {@code DocumentReference/12/_history/1} as {@code DocumentReference/12} by
     * default, which is the same record, not a modification.
     */
    // evidence: fhir.reference.version-stripped
    private static List<String> differences(Provenance expected, Resource actual) {
        List<String> different = new ArrayList<>(CriticalFields.differences(expected, actual));
        if (!different.contains("target") && (!(actual instanceof Provenance read)
                || !sameTargets(targets(expected), targets(read)))) {
            different.add("target");
        }
        return different;
    }

    private static boolean sameTargets(List<IdType> expected, List<IdType> actual) {
        if (expected.size() != actual.size()) {
            return false;
        }
        for (int i = 0; i < expected.size(); i++) {
            IdType e = expected.get(i);
            IdType a = actual.get(i);
            boolean sameRecord = e.toUnqualifiedVersionless().getValue().equals(a.toUnqualifiedVersionless().getValue());
            if (!sameRecord || (a.hasVersionIdPart() && !a.getVersionIdPart().equals(e.getVersionIdPart()))) {
                return false;
            }
        }
        return true;
    }

    private static List<IdType> targets(Provenance p) {
        return p.getTarget().stream().map(Reference::getReference).map(r -> new IdType(r == null ? "" : r))
                .sorted(java.util.Comparator.comparing(id -> id.toUnqualifiedVersionless().getValue())).toList();
    }
}
