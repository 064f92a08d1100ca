package dev.chartbridge.core.adapter;

/**
 * What a later re-read of a written record showed, for read-back watching: the record as it stands now, described
 * by what lets the gateway notice a change made in the EHR (its version, its status, a digest of its content),
 * never by the content itself.
 */
public sealed interface ReadBack {
    Exchange exchange();

    /**
     * The record is there.
     *
     * @param version     the EHR's version of the record, or null where the vendor keeps none
     * @param status      the record's status as the EHR names it (e.g. {@code final}, {@code entered-in-error}),
     *                    or null where it has none
     * @param fingerprint a SHA-256 over the record's content (without server bookkeeping such as meta), so that
     *                    an amendment shows even on a vendor without versions
     */
    record Present(String version, String status, String fingerprint, Exchange exchange) implements ReadBack {
    }

    /** The EHR no longer has the record (deleted, or gone from the patient's chart). */
    record Deleted(Exchange exchange) implements ReadBack {
    }

    /** The read failed or could not tell; the record is simply read again at the next interval. */
    record Undetermined(VendorError error, Exchange exchange) implements ReadBack {
    }
}
