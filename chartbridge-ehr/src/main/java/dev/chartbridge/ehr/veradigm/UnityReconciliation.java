package dev.chartbridge.ehr.veradigm;

import dev.chartbridge.core.adapter.ErrorClass;
import dev.chartbridge.core.adapter.FindOutcome;
import dev.chartbridge.core.adapter.RemoteRef;
import dev.chartbridge.core.adapter.VendorError;

import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Finds the record of a save whose answer was lost, in a listing of the patient's records in Unity's read shape.
 * A candidate holds the expected read columns, is dated no earlier than {@code notBefore}, and was not there just
 * before the send ({@code baseline}: Unity's day-only dates cannot tell a lost save from an identical earlier
 * write). Found: exactly one candidate. Absent: none, the listing fully readable, and the kind's read shape
 * evidenced ({@code absenceTrusted}). Ambiguous: several. Everything else is undetermined (review): no baseline
 * while a record holds the content, a possible match whose date cannot be read, unreadable rows, an assumed read
 * shape, or a listing that does not carry the content (notes). Stateless.
 */
final class UnityReconciliation {
    private UnityReconciliation() {
    }

    // evidence: veradigm.behaviour.no-idempotency, veradigm.read.summary-allergies, veradigm.read.document-row
    // evidence: veradigm.read.task-row, veradigm.read.displaydate
    static FindOutcome find(UnityListing listing, Map<String, String> expected, LocalDate notBefore,
                            Set<String> baseline) {
        UnityReadShapes.Shape shape = UnityReadShapes.shape(listing.kind());
        List<UnityListing.Entry> holding = holding(listing, expected, notBefore);
        if (!holding.isEmpty() && baseline == null) {
            return undetermined(listing, "a record holds this write's content, and what the chart held before the"
                    + " send is not known here: an identical earlier write cannot be told from this one");
        }
        List<UnityListing.Entry> candidates = holding.stream()
                .filter(e -> baseline == null || !baseline.contains(e.id())).toList();
        if (candidates.isEmpty()) {
            if (listing.unreadable()) {
                return undetermined(listing, "the listing holds rows the gateway cannot read; one may be the record");
            }
            return shape.absenceTrusted() ? new FindOutcome.Absent(listing.exchange())
                    : undetermined(listing, "Unity's " + listing.kind() + " read shape is assumed, so a listing"
                    + " without the record does not prove it absent");
        }
        if (!shape.contentReadable()) {
            return undetermined(listing, "Unity lists " + listing.kind() + "s without their content: an earlier "
                    + listing.kind() + " cannot be told from this one");
        }
        if (candidates.stream().anyMatch(e -> e.day() == null)) {
            return undetermined(listing, "a matching record's date cannot be read: it may be older than the event");
        }
        List<RemoteRef> refs = candidates.stream().map(e -> new RemoteRef(listing.kind(), e.id(), null)).toList();
        return refs.size() == 1 ? new FindOutcome.Found(refs.get(0), listing.exchange())
                : new FindOutcome.Ambiguous(refs, listing.exchange());
    }

    /** The records holding the expected read columns that are not dated before {@code notBefore}. */
    static List<UnityListing.Entry> holding(UnityListing listing, Map<String, String> expected,
                                            LocalDate notBefore) {
        return listing.entries().stream()
                .filter(e -> listing.differences(expected, e).isEmpty())
                .filter(e -> e.day() == null || !e.day().isBefore(notBefore)).toList();
    }

    private static FindOutcome undetermined(UnityListing listing, String why) {
        return new FindOutcome.Undetermined(new VendorError(ErrorClass.UNKNOWN, "not-determinable", why),
                listing.exchange());
    }
}
