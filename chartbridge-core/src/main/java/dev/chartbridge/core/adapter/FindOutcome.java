package dev.chartbridge.core.adapter;

import java.time.Duration;
import java.util.List;

/** What an adapter found when it looked for the result of an earlier send whose outcome was unknown. */
public sealed interface FindOutcome {
    Exchange exchange();

    /** Exactly one record carries this write's identity: the earlier send was taken. */
    record Found(RemoteRef ref, Exchange exchange) implements FindOutcome {
    }

    /** The EHR clearly holds nothing of this write: sending it is safe. */
    record Absent(Exchange exchange) implements FindOutcome {
    }

    /** Several candidates match: a human must decide. */
    record Ambiguous(List<RemoteRef> candidates, Exchange exchange) implements FindOutcome {
    }

    /**
     * The search itself failed or the vendor offers no means to tell.
     *
     * @param retryAfter the wait the failed answer asked for ({@code Retry-After}, or the gateway's own budget);
     *                   null when it named none
     */
    record Undetermined(VendorError error, Exchange exchange, Duration retryAfter) implements FindOutcome {
        public Undetermined(VendorError error, Exchange exchange) {
            this(error, exchange, null);
        }
    }
}
