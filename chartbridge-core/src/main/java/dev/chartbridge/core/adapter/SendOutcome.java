package dev.chartbridge.core.adapter;

import java.time.Duration;

/** What happened when an adapter sent a write. Adapters return one of these for every expected EHR answer. */
public sealed interface SendOutcome {
    Exchange exchange();

    /** The EHR took the write (201, or 200 when a conditional create matched what was already there). */
    record Created(RemoteRef ref, Exchange exchange) implements SendOutcome {
    }

    /**
     * Not taken, and safe to send again later: nothing was created (429, 503 before processing, auth refresh).
     *
     * @param notSent nothing of the write left the gateway: its own call budget had no room, no token could be
     *                had, or a lookup before the write failed. Such a retry does not count as a send
     *                ({@code maxSends} bounds how often a write reaches the EHR); false when the EHR answered it
     */
    record Retryable(Duration retryAfter, VendorError error, Exchange exchange, boolean notSent)
            implements SendOutcome {
        /** An answer the EHR gave to the write itself (it counts as a send). */
        public Retryable(Duration retryAfter, VendorError error, Exchange exchange) {
            this(retryAfter, error, exchange, false);
        }

        /** The same wait and error, for a write that was not sent at all. */
        public Retryable unsent() {
            return new Retryable(retryAfter, error, exchange, true);
        }
    }

    /** The EHR's copy changed or already exists in a way that needs a human (409, 412). */
    record Conflict(VendorError error, Exchange exchange) implements SendOutcome {
    }

    /**
     * Nothing was sent because only a human can decide what the write means (e.g. several patients or encounters
     * match the event's identifier; the error names the candidates by the EHR's ids, never by PHI). Like a deferred
     * write, it does not count as a send.
     */
    record NeedsReview(VendorError error, Exchange exchange) implements SendOutcome {
    }

    /** The EHR refused the content or the request; sending it again would fail the same way. */
    record Rejected(VendorError error, Exchange exchange) implements SendOutcome {
    }

    /** The request may have reached the EHR but no answer says what it did (timeout, reset, 5xx after sending). */
    record Unknown(String reason, Exchange exchange) implements SendOutcome {
    }
}
