package dev.chartbridge.ehr.fhir;

import dev.chartbridge.core.adapter.ErrorClass;
import dev.chartbridge.core.adapter.Exchange;
import dev.chartbridge.core.adapter.RemoteRef;
import dev.chartbridge.core.adapter.VendorError;
import dev.chartbridge.core.adapter.VerifyOutcome;
import org.hl7.fhir.r4.model.Resource;

import java.util.List;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The verification of a write on a standard FHIR server: read the record back, compare it with what was meant,
 * and name what differs (the record as read is the baseline read-back compares against later); a record not
 * (yet) found is not readable yet, any other failure cannot tell. Stateless.
 */
final class ReadCompare {
    private ReadCompare() {
    }

    /**
     * @param read        reads {@code remote} from the server (throws as the HAPI client does)
     * @param differences the fields of the record read that differ from what the write meant; empty when none
     */
    static VerifyOutcome verify(RemoteRef remote, Supplier<Resource> read,
                                Function<Resource, List<String>> differences) {
        Exchange ex = new Exchange("GET " + remote.resourceType() + "/{id}", null, 0);
        try {
            Resource actual = read.get();
            return FhirRecordState.verified(differences.apply(actual), actual, new Exchange(ex.request(), null, 200));
        } catch (RuntimeException e) {
            VendorError error = FhirOutcomes.error(e);
            Exchange failed = new Exchange(ex.request(), null, FhirOutcomes.status(e));
            if (error.errorClass() == ErrorClass.NOT_FOUND) {
                return new VerifyOutcome.NotYetReadable(failed);
            }
            return new VerifyOutcome.Undetermined(error, failed, FhirOutcomes.retryAfter(e));
        }
    }
}
