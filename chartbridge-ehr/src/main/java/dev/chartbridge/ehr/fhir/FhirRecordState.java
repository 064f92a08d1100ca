package dev.chartbridge.ehr.fhir;

import dev.chartbridge.core.adapter.Exchange;
import dev.chartbridge.core.adapter.ReadBack;
import dev.chartbridge.core.adapter.VendorError;
import dev.chartbridge.core.adapter.VerifyOutcome;
import dev.chartbridge.core.json.Json;
import dev.chartbridge.ehr.FhirContexts;
import org.hl7.fhir.r4.model.Base;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.DomainResource;
import org.hl7.fhir.r4.model.PrimitiveType;
import org.hl7.fhir.r4.model.Property;
import org.hl7.fhir.r4.model.Resource;

import java.util.ArrayList;
import java.util.List;

/**
 * A FHIR resource as read-back watching sees it: its {@code meta.versionId}, its status (the {@code status},
 * {@code clinicalStatus} and {@code verificationStatus} codes it has, joined by {@code /}), and a SHA-256 of its
 * JSON without {@code meta} and narrative, so that a server that keeps no versions still shows an amendment.
 * Thread-safe (stateless).
 */
final class FhirRecordState {
    private static final List<String> STATUS_ELEMENTS = List.of("status", "clinicalStatus", "verificationStatus");

    private FhirRecordState() {
    }

    static ReadBack.Present of(Resource actual, Exchange exchange) {
        Resource content = actual.copy();
        content.setMeta(null);
        content.setIdElement(null);
        if (content instanceof DomainResource d) {
            d.setText(null);
        }
        String fingerprint = Json.sha256(FhirContexts.r4().newJsonParser().encodeResourceToString(content));
        return new ReadBack.Present(actual.getMeta().getVersionId(), status(actual), fingerprint, exchange);
    }

    /**
     * What verification found, with the record as it read it: the baseline of read-back watching.
     *
     * @param differences the critical fields the record lacks or holds differently; empty when as written
     */
    static VerifyOutcome verified(List<String> differences, Resource actual, Exchange exchange) {
        ReadBack.Present seen = of(actual, exchange);
        return differences.isEmpty() ? new VerifyOutcome.Verified(exchange, seen)
                : new VerifyOutcome.Modified(differences, exchange, seen);
    }

    /** A read that failed: 404 or 410 means the record is gone; anything else cannot tell. */
    static ReadBack failed(int httpStatus, VendorError error, Exchange exchange) {
        return httpStatus == 404 || httpStatus == 410 ? new ReadBack.Deleted(exchange)
                : new ReadBack.Undetermined(error, exchange);
    }

    private static String status(Resource r) {
        List<String> codes = new ArrayList<>();
        for (String element : STATUS_ELEMENTS) {
            Property p = r.getNamedProperty(element);
            if (p == null || !p.hasValues()) {
                continue;
            }
            Base value = p.getValues().get(0);
            if (value instanceof PrimitiveType<?> primitive && primitive.hasValue()) {
                codes.add(primitive.getValueAsString());
            } else if (value instanceof CodeableConcept concept && concept.hasCoding()) {
                codes.add(concept.getCodingFirstRep().getCode());
            }
        }
        return codes.isEmpty() ? null : String.join("/", codes);
    }
}
