package dev.chartbridge.ehr.fhir;

import dev.chartbridge.core.adapter.Exchange;
import dev.chartbridge.core.adapter.FindOutcome;
import dev.chartbridge.core.adapter.SendOutcome;
import dev.chartbridge.core.adapter.VendorError;

/**
 * What a create answered "it exists" (409/412 on a conditional create, Epic's 59189/59141) ends as, once the record
 * was looked for: a single match completes the write ({@code Created}, with the answer's status in the ledger);
 * several, or a search that could not tell, leave the outcome unknown, so the engine reconciles it and a human
 * decides between candidates. Nothing found: where the answer only says a record may exist (a conditional create
 * racing another), the outcome stays unknown and the engine looks again before any resend; where the vendor
 * refused to file it ({@code refusedWhenAbsent}), its refusal stands. Stateless.
 */
final class AlreadyThere {
    private AlreadyThere() {
    }

    static SendOutcome outcome(FindOutcome found, Exchange answered, VendorError answer, boolean refusedWhenAbsent) {
        if (found instanceof FindOutcome.Found f) {
            return new SendOutcome.Created(f.ref(), answered);
        }
        if (found instanceof FindOutcome.Absent && refusedWhenAbsent) {
            return new SendOutcome.Rejected(answer, answered);
        }
        String why = found instanceof FindOutcome.Ambiguous ? "several records match" : found instanceof
                FindOutcome.Absent ? "none found yet" : "the search could not tell";
        return new SendOutcome.Unknown("the EHR answered that the record exists (" + (answer.vendorCode() == null
                ? "HTTP " + answered.httpStatus() : answer.vendorCode()) + "); " + why + ": reconciling", answered);
    }
}
