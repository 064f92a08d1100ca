package dev.chartbridge.ehr.fhir;

import ca.uhn.fhir.rest.gclient.ReferenceClientParam;
import ca.uhn.fhir.rest.gclient.TokenClientParam;
import dev.chartbridge.core.adapter.ErrorClass;
import dev.chartbridge.core.adapter.Exchange;
import dev.chartbridge.core.adapter.FindOutcome;
import dev.chartbridge.core.adapter.RemoteRef;
import dev.chartbridge.core.adapter.VendorError;
import dev.chartbridge.core.adapter.WriteContext;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Resource;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;

/**
 * Finds what an earlier create of a write left on a FHIR server that has no conditional create (Epic, eCW): first
 * by the gateway's write identifier ({@code urn:chartbridge:write|key}), then, in case the server dropped the
 * identifier, by content: the patient's records of the type whose critical fields (code, value, components,
 * status, effective time, encounter, ...) equal what the write meant, and that carry no other gateway identifier.
 * One match is {@code Found}, several {@code Ambiguous}. No match is {@code Absent}, unless the record may sit where
 * the server hides it (Epic's holding tank): then it is {@code Undetermined}, so the engine searches again later
 * and asks a human after its last check rather than resending a duplicate. Thread-safe.
 */
public final class WriteReconciler {
    private static final int MAX_PAGES = 20;

    private final FhirServer server;
    private final BearerAuthorization auth;

    public WriteReconciler(FhirServer server, BearerAuthorization auth) {
        this.server = server;
        this.auth = auth;
    }

    /**
     * @param expected  the resource the write meant to create (as rendered for the send)
     * @param patientId the EHR's id of the patient, for the content search
     * @param mayBeHeld whether a created record of this type may be unreadable for now (holding tank)
     */
    public FindOutcome find(WriteContext write, Resource expected, String patientId, boolean mayBeHeld) {
        String type = write.resourceType();
        Exchange byId = new Exchange("GET " + type + "?identifier", null, 0);
        List<Resource> tagged;
        try {
            tagged = all(() -> server.client().search().forResource(type)
                    .where(new TokenClientParam("identifier").exactly()
                            .systemAndCode(WriteContext.IDENTIFIER_SYSTEM, write.operationKey()))
                    .returnBundle(Bundle.class).execute());
        } catch (RuntimeException e) {
            return new FindOutcome.Undetermined(FhirOutcomes.error(e),
                    new Exchange(byId.request(), null, FhirOutcomes.status(e)), FhirOutcomes.retryAfter(e));
        }
        if (!tagged.isEmpty()) {
            return decide(refs(tagged), new Exchange(byId.request(), null, 200));
        }
        Exchange byContent = new Exchange("GET " + type + "?patient", null, 0);
        List<Resource> matching = new ArrayList<>();
        try {
            for (Resource candidate : all(() -> server.client().search().forResource(type)
                    .where(new ReferenceClientParam("patient").hasId("Patient/" + patientId))
                    .count(100).returnBundle(Bundle.class).execute())) {
                if (!carriesGatewayIdentifier(candidate)
                        && CriticalFields.differences(expected, candidate, Set.of("identifier")).isEmpty()) {
                    matching.add(candidate);
                }
            }
        } catch (RuntimeException e) {
            return new FindOutcome.Undetermined(FhirOutcomes.error(e),
                    new Exchange(byContent.request(), null, FhirOutcomes.status(e)), FhirOutcomes.retryAfter(e));
        }
        Exchange ok = new Exchange(byContent.request(), null, 200);
        if (!matching.isEmpty()) {
            return decide(refs(matching), ok);
        }
        if (mayBeHeld) {
            return new FindOutcome.Undetermined(new VendorError(ErrorClass.UNKNOWN, "holding-tank",
                    "no readable record of this write; the EHR holds new " + type
                            + " records unreadable until a clinician reconciles them, so it may be there"), ok);
        }
        return new FindOutcome.Absent(ok);
    }

    private static FindOutcome decide(List<RemoteRef> refs, Exchange ok) {
        return refs.size() == 1 ? new FindOutcome.Found(refs.get(0), ok) : new FindOutcome.Ambiguous(refs, ok);
    }

    private List<Resource> all(Supplier<Bundle> search) {
        Bundle page = auth == null ? search.get() : auth.call(search);
        List<Resource> out = new ArrayList<>();
        for (int pages = 0; page != null && pages < MAX_PAGES; pages++) {
            page.getEntry().forEach(e -> out.add(e.getResource()));
            if (page.getLink(Bundle.LINK_NEXT) == null) {
                break;
            }
            Bundle current = page;
            Supplier<Bundle> next = () -> server.client().loadPage().next(current).execute();
            page = auth == null ? next.get() : auth.call(next);
        }
        return out;
    }

    private static boolean carriesGatewayIdentifier(Resource r) {
        var property = r.getNamedProperty("identifier");
        return property != null && property.getValues().stream().anyMatch(v ->
                v instanceof Identifier id && WriteContext.IDENTIFIER_SYSTEM.equals(id.getSystem()));
    }

    private static List<RemoteRef> refs(List<Resource> resources) {
        return resources.stream().map(r -> new RemoteRef(r.fhirType(), r.getIdElement().getIdPart(),
                r.getMeta().getVersionId())).toList();
    }
}
