package dev.chartbridge.core.adapter;

import java.util.List;

/** What a read-back of a created record showed, compared field by field with what was meant to be written. */
public sealed interface VerifyOutcome {
    Exchange exchange();

    /** Every critical field reads back as written. */
    record Verified(Exchange exchange) implements VerifyOutcome {
    }

    /** The EHR dropped or altered the named critical fields. */
    record Modified(List<String> fields, Exchange exchange) implements VerifyOutcome {
    }

    /** The EHR took the write but does not show it yet (e.g. Epic's holding tank). */
    record NotYetReadable(Exchange exchange) implements VerifyOutcome {
    }

    /** The read failed; try again later. */
    record Undetermined(VendorError error, Exchange exchange) implements VerifyOutcome {
    }
}
