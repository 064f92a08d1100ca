package dev.chartbridge.core.adapter;

/**
 * What an adapter's {@link EhrAdapter#render} produced: the request it would send, or what its send would have
 * answered before sending anything (the patient is not in the EHR, the lookup was rate limited...).
 */
public sealed interface RenderOutcome {

    /** The write as it would be sent. */
    record Rendered(RenderedRequest request) implements RenderOutcome {
    }

    /**
     * The write could not be rendered; {@code outcome} is the {@link SendOutcome.Rejected} or
     * {@link SendOutcome.Retryable} the send would have returned at the same point, before sending.
     */
    record NotRendered(SendOutcome outcome) implements RenderOutcome {
    }
}
