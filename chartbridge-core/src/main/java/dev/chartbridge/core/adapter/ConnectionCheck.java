package dev.chartbridge.core.adapter;

/**
 * What one check of an EHR connection found: whether the EHR answered its cheapest harmless call (a FHIR server's
 * {@code /metadata}) and whether a token could be had. Reported per connection (readiness, a gauge); a connection
 * that is down does not fail the node, and its writes are deferred by the adapter's own transport handling.
 * {@code detail} says what failed in the gateway's words, never patient data. Immutable.
 */
public record ConnectionCheck(Status status, String detail) {

    /** The result of a check. */
    public enum Status {
        /** The EHR answered as expected (and gave a token, where it takes one). */
        UP,
        /** The EHR could not be reached, refused the token, or answered something that is not the expected API. */
        DOWN,
        /** This adapter has no harmless call to check with; its health shows only in its writes. */
        UNCHECKED
    }

    public static ConnectionCheck up(String detail) {
        return new ConnectionCheck(Status.UP, detail);
    }

    public static ConnectionCheck down(String detail) {
        return new ConnectionCheck(Status.DOWN, detail);
    }

    /**
     * A check whose {@code call} was interrupted (the node stopping) before it had an answer, e.g. in a call budget's
     * wait: it found nothing about the EHR, which is what it says.
     */
    public static ConnectionCheck cutShort(String call) {
        return down(call + ": the check was interrupted before an answer (the node is stopping)");
    }

    public static ConnectionCheck unchecked(String detail) {
        return new ConnectionCheck(Status.UNCHECKED, detail);
    }
}
