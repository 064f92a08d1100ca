package dev.chartbridge.ehr.epic;

import dev.chartbridge.core.adapter.ErrorClass;
import dev.chartbridge.core.adapter.Exchange;
import dev.chartbridge.core.adapter.SendOutcome;
import dev.chartbridge.core.adapter.VendorError;
import dev.chartbridge.ehr.auth.AuthException;
import dev.chartbridge.ehr.fhir.BackendFhirWriter;
import dev.chartbridge.ehr.fhir.FhirOutcomes;

import java.util.Set;

/**
 * Epic's answers normalized: an OperationOutcome's Epic numeric code (59189 failed to file, 59012 not provisional,
 * 59144 reference not found ...) is kept as the vendor code; 59189 and 59141 mean the record may already be on the
 * chart and are reconciled before anything else; a 403 with an empty body means the API is not enabled
 * for this client (or not in its granted scopes) and is a refusal, never retried; a 401 that survived one retry
 * with a fresh token, 429 and 503 are retryable; a timeout, reset or other 5xx is an unknown outcome to reconcile.
 * Stateless.
 */
final class EpicAnswers implements BackendFhirWriter.Answers {
    private static final Set<String> ALREADY_THERE = Set.of("59189", "59141");

    @Override
    public SendOutcome failedSend(RuntimeException e, Exchange sent) {
        if (FhirOutcomes.status(e) == 403) {
            return new SendOutcome.Rejected(forbidden(e), new Exchange(sent.request(), sent.requestDigest(), 403));
        }
        return FhirOutcomes.ofSend(e, sent);
    }

    @Override
    public VendorError failedCall(RuntimeException e) {
        return FhirOutcomes.status(e) == 403 ? forbidden(e) : FhirOutcomes.error(e);
    }

    @Override
    public SendOutcome.Retryable tokenFailure(AuthException e) {
        return new SendOutcome.Retryable(null, new VendorError(e.isTransient() ? ErrorClass.TRANSIENT : ErrorClass.AUTH,
                e.errorCode(), e.getMessage()), Exchange.none());
    }

    /**
     * 59189 "Failed to file the reading" (Observation.create) and 59141 "An attempt was made to create a duplicate
     * record" (e.g. an allergy already on the chart): the record may already be there, so it is looked for, and a
     * match completes the write.
     */
    // evidence: epic.error.59189, epic.error.59141
    @Override
    public Set<String> alreadyThereCodes() {
        return ALREADY_THERE;
    }

    private static VendorError forbidden(RuntimeException e) {
        VendorError answered = FhirOutcomes.error(e);
        return answered.vendorCode() != null ? answered : new VendorError(ErrorClass.FORBIDDEN, null,
                "Epic answered 403 with an empty body: this API is not enabled for the client, or not in its "
                        + "granted scopes");
    }
}
