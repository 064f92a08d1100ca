package dev.chartbridge.ehr.fhir;

import ca.uhn.fhir.rest.api.MethodOutcome;
import dev.chartbridge.core.adapter.Exchange;
import dev.chartbridge.core.adapter.FindOutcome;
import dev.chartbridge.core.adapter.RemoteRef;
import dev.chartbridge.core.adapter.RenderedRequest;
import dev.chartbridge.core.adapter.SendOutcome;
import dev.chartbridge.core.adapter.WriteContext;
import dev.chartbridge.core.json.Json;
import dev.chartbridge.ehr.FhirContexts;
import dev.chartbridge.ehr.PreparedSend;
import org.hl7.fhir.r4.model.Resource;

import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A create on a standard FHIR server, marked with the gateway's write key ({@code urn:chartbridge:write|key}) and
 * conditional on that mark ({@code If-None-Exist}), so that a server honouring conditional create cannot make a
 * second copy even on a resend; and the search by the same mark, within the patient's records, that finds what an
 * earlier create left. A 409 or 412 answering the conditional create means a record with the mark exists (several,
 * or one created concurrently): it is looked for at once, and a single match completes the write. The mark is
 * searched through {@code identifier} where the resource type has one, and through {@code _tag} (a
 * {@code meta.tag}) for Provenance, which has no identifier in R4 (and whose {@code patient} parameter names the
 * patients it is about, not the records it targets, so it is searched by the tag alone). The create asks for
 * {@code Prefer: return=minimal}: the write needs only the record's id and version, which the spec puts in the
 * answer's {@code Location} (verification reads the record back anyway), so the server encodes no representation
 * and the gateway parses none; an answer without a usable {@code Location} is an unknown outcome, reconciled by the
 * search by mark. Stateless and thread-safe.
 *
 * @param marker the search parameter that finds the mark: {@code identifier} or {@code _tag}
 */
record MarkedCreate(FhirServer server, Searchset searches, SearchRules rules, String marker) {
    static final String BY_IDENTIFIER = "identifier";
    static final String BY_TAG = "_tag";

    /**
     * The create of {@code resource}, ready to be sent or shown; its body is encoded once, here.
     *
     * @param patientId the patient whose records an "already there" answer is looked for in; null for Provenance
     */
    PreparedSend prepare(Resource resource, String key, String patientId) {
        // As built: HAPI would otherwise drop the version of a reference (a Provenance targets a version).
        String body = FhirContexts.r4().newJsonParser().setStripVersionsFromReferences(false)
                .encodeResourceToString(resource);
        String condition = marker + "=" + WriteContext.IDENTIFIER_SYSTEM + "|" + key;
        RenderedRequest request = new RenderedRequest("POST", resource.fhirType(),
                Map.of("If-None-Exist", condition, "Prefer", "return=minimal"), "application/fhir+json", body);
        return PreparedSend.ready(request, () -> create(resource, body, key, patientId));
    }

    private SendOutcome create(Resource resource, String body, String key, String patientId) {
        String type = resource.fhirType();
        Exchange sent = new Exchange("POST " + type, Json.sha256(body), 0);
        try {
            // Send the very text that was digested: the resource is encoded once, not again (nor parsed) by the
            // client. evidence: fhir.create.location
            MethodOutcome outcome = server.create(resource, body,
                    Map.of(marker, List.of(WriteContext.IDENTIFIER_SYSTEM + "|" + key)), "minimal");
            int status = outcome.getResponseStatusCode() > 0 ? outcome.getResponseStatusCode()
                    : Boolean.TRUE.equals(outcome.getCreated()) ? 201 : 200;
            Exchange answered = new Exchange(sent.request(), sent.requestDigest(), status);
            RemoteRef ref = FhirOutcomes.locationRef(type, outcome);
            // No Location: the write may well be there, but where is not known; the search by mark finds it.
            return ref == null ? new SendOutcome.Unknown("created without a Location", answered)
                    : new SendOutcome.Created(ref, answered);
        } catch (RuntimeException e) {
            if (FhirOutcomes.meansAlreadyThere(e, true, Set.of())) {
                Exchange answered = new Exchange(sent.request(), sent.requestDigest(), FhirOutcomes.status(e));
                return AlreadyThere.outcome(find(type, key, patientId), answered, FhirOutcomes.error(e), false);
            }
            return FhirOutcomes.ofSend(e, sent);
        }
    }

    /**
     * The records of {@code type} that carry the mark {@code key}, among the patient's records: one is Found, none
     * Absent, more Ambiguous; a failed search Undetermined.
     */
    FindOutcome find(String type, String key, String patientId) {
        SearchRules.Query query = rules.query(type).with(marker, WriteContext.IDENTIFIER_SYSTEM + "|" + key)
                .with("patient", patientId);
        try {
            Searchset.Results found = searches.run(query);
            List<RemoteRef> refs = found.matches().stream()
                    .map(r -> new RemoteRef(r.fhirType(), r.getIdElement().getIdPart(),
                            r.getMeta().getVersionId())).toList();
            if (refs.isEmpty()) {
                return new FindOutcome.Absent(found.exchange());
            }
            return refs.size() == 1 ? new FindOutcome.Found(refs.get(0), found.exchange())
                    : new FindOutcome.Ambiguous(refs, found.exchange());
        } catch (Searchset.Failed f) {
            return new FindOutcome.Undetermined(f.error(), f.exchange(), f.retryAfter());
        }
    }
}
