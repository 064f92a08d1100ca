package dev.chartbridge.core.delivery;

import dev.chartbridge.core.adapter.VendorError;
import dev.chartbridge.core.trace.Traces;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.function.Function;
import java.util.function.Supplier;

/**
 * How the engine calls an adapter and names what came back: a call that throws (an adapter bug) becomes the
 * outcome the caller chooses, logged without the exception's text; vendor errors read as one line; each recorded
 * step carries the trace id of the attempt's span; each call runs in a client span of its own. Stateless and
 * thread-safe.
 */
final class AdapterCalls {
    private static final Logger LOG = LoggerFactory.getLogger(OperationRunner.class);

    private AdapterCalls() {
    }

    static <T> T call(Supplier<T> adapterCall, Function<RuntimeException, T> onBug) {
        // One client span per adapter call: the adapter's HTTP requests carry it as their traceparent.
        Span span = Traces.start("chartbridge.ehr.call", SpanKind.CLIENT, Context.current());
        try (Scope ignored = span.makeCurrent()) {
            T outcome = adapterCall.get();
            span.setAttribute("chartbridge.outcome", outcome == null ? "none" : outcome.getClass().getSimpleName());
            return outcome;
        } catch (RuntimeException e) {
            span.setStatus(StatusCode.ERROR);
            // The exception's message may quote the request: log the type only, never the text (no PHI in logs).
            LOG.error("adapter threw {} at {}; treating the outcome as unknown", e.getClass().getName(),
                    e.getStackTrace().length > 0 ? e.getStackTrace()[0] : "?");
            return onBug.apply(e);
        } finally {
            span.end();
        }
    }

    static String describe(VendorError e) {
        if (e == null) {
            return null;
        }
        String code = e.vendorCode() == null ? "" : " [" + e.vendorCode() + "]";
        return e.errorClass() + code + (e.message() == null ? "" : ": " + e.message());
    }

    /** The trace id of the current attempt span (the trace the event was accepted under), or a fresh one. */
    static String traceId() {
        return Traces.currentTraceId();
    }
}
