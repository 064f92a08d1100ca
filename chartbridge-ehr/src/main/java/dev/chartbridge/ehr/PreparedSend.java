package dev.chartbridge.ehr;

import dev.chartbridge.core.adapter.RenderOutcome;
import dev.chartbridge.core.adapter.RenderedRequest;
import dev.chartbridge.core.adapter.SendOutcome;

import java.util.Objects;
import java.util.function.Supplier;

/**
 * One write made ready by an adapter's single preparation path (lookups and mapping): either the request and the
 * call that sends it, or the outcome that ends the write before anything is sent. {@link #send()} performs it;
 * {@link #render()} shows it without sending, so a shadowed write and a live one cannot be mapped differently.
 * Immutable; use once per step.
 */
public final class PreparedSend {
    private final SendOutcome notSent;
    private final RenderedRequest request;
    private final Supplier<SendOutcome> dispatch;

    private PreparedSend(SendOutcome notSent, RenderedRequest request, Supplier<SendOutcome> dispatch) {
        this.notSent = notSent;
        this.request = request;
        this.dispatch = dispatch;
    }

    /**
     * Nothing will be sent: the preparation already decided the outcome (a refusal, or a token or lookup to try
     * again). A retryable outcome is marked {@link SendOutcome.Retryable#notSent() not sent}: it is no send.
     */
    public static PreparedSend notSent(SendOutcome outcome) {
        return new PreparedSend(Objects.requireNonNull(outcome) instanceof SendOutcome.Retryable r ? r.unsent()
                : outcome, null, null);
    }

    /** Ready: {@code dispatch} sends exactly {@code request}. */
    public static PreparedSend ready(RenderedRequest request, Supplier<SendOutcome> dispatch) {
        return new PreparedSend(null, Objects.requireNonNull(request), Objects.requireNonNull(dispatch));
    }

    public SendOutcome send() {
        return notSent != null ? notSent : dispatch.get();
    }

    public RenderOutcome render() {
        return notSent != null ? new RenderOutcome.NotRendered(notSent) : new RenderOutcome.Rendered(request);
    }
}
