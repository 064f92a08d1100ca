package dev.chartbridge.core.adapter;

import java.time.Duration;
import java.util.List;

/** What a read-back of a created record showed, compared field by field with what was meant to be written. */
public sealed interface VerifyOutcome {
    Exchange exchange();

    /**
     * Every critical field reads back as written.
     *
     * @param seen the record as this read saw it, the baseline read-back watching compares later re-reads with;
     *             null where the adapter cannot tell (the first re-read then sets the baseline)
     */
    record Verified(Exchange exchange, ReadBack.Present seen) implements VerifyOutcome {
        public Verified(Exchange exchange) {
            this(exchange, null);
        }
    }

    /**
     * The EHR dropped or altered the named critical fields.
     *
     * @param seen as for {@link Verified}
     */
    record Modified(List<String> fields, Exchange exchange, ReadBack.Present seen) implements VerifyOutcome {
        public Modified(List<String> fields, Exchange exchange) {
            this(fields, exchange, null);
        }
    }

    /** The EHR took the write but does not show it yet (e.g. Epic's holding tank). */
    record NotYetReadable(Exchange exchange) implements VerifyOutcome {
    }

    /**
     * The read failed; try again later.
     *
     * @param retryAfter the wait the failed answer asked for ({@code Retry-After}, or the gateway's own budget);
     *                   null when it named none
     */
    record Undetermined(VendorError error, Exchange exchange, Duration retryAfter) implements VerifyOutcome {
        public Undetermined(VendorError error, Exchange exchange) {
            this(error, exchange, null);
        }
    }
}
