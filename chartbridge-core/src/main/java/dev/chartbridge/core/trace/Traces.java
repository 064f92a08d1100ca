package dev.chartbridge.core.trace;

import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanBuilder;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.TextMapGetter;

import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.BiConsumer;

/**
 * The gateway's tracing, on the OpenTelemetry API (issue #14): W3C {@code traceparent} read and written by the
 * W3C propagator itself, so propagation and trace ids work with no SDK and no exporter installed; spans from the
 * {@link OpenTelemetry} given to {@link #use} (the app gives the SDK, configured by {@code OTEL_*}). A
 * write keeps the {@code traceparent} it was accepted under, so each later attempt, EHR call and webhook delivery
 * is a span of the request that submitted it, however much later and on whichever node. Stateless; thread-safe.
 */
public final class Traces {
    /** The W3C Trace Context header. */
    public static final String TRACEPARENT = "traceparent";
    private static final W3CTraceContextPropagator W3C = W3CTraceContextPropagator.getInstance();
    private static volatile Tracer tracer = OpenTelemetry.noop().getTracer("dev.chartbridge");
    private static final TextMapGetter<Map<String, String>> MAP = new TextMapGetter<>() {
        @Override
        public Iterable<String> keys(Map<String, String> carrier) {
            return carrier.keySet();
        }

        @Override
        public String get(Map<String, String> carrier, String key) {
            return carrier == null ? null : carrier.get(key);
        }
    };

    private Traces() {
    }

    /**
     * The tracer spans come from: the {@link OpenTelemetry} given to {@link #use}, a no-op one until then (ids
     * still propagate: a no-op span carries its parent's context).
     */
    public static Tracer tracer() {
        return tracer;
    }

    /**
     * Makes {@code openTelemetry} the source of the gateway's spans. Not {@code GlobalOpenTelemetry}: that can be
     * set once only, and never after anything has read it, which a library on the class path may do first.
     */
    public static void use(OpenTelemetry openTelemetry) {
        tracer = openTelemetry.getTracer("dev.chartbridge");
    }

    /** The context a {@code traceparent} value names; the root context when it is null or malformed. */
    public static Context parent(String traceparent) {
        return traceparent == null ? Context.root()
                : W3C.extract(Context.root(), Map.of(TRACEPARENT, traceparent), MAP);
    }

    /** A span of {@code kind} named {@code name}, child of {@code parent}: started, not yet current. */
    public static Span start(String name, SpanKind kind, Context parent) {
        SpanBuilder b = tracer().spanBuilder(name).setSpanKind(kind).setParent(parent);
        return b.startSpan();
    }

    /** The {@code traceparent} of the current span; null when there is none (no valid span context). */
    public static String currentTraceparent() {
        SpanContext c = Span.current().getSpanContext();
        if (!c.isValid()) {
            return null;
        }
        StringBuilder out = new StringBuilder();
        W3C.inject(Context.current(), out, (sb, k, v) -> {
            if (TRACEPARENT.equals(k)) {
                sb.append(v);
            }
        });
        return out.isEmpty() ? null : out.toString();
    }

    /** Writes the current context's W3C headers ({@code traceparent}, {@code tracestate}) with {@code header}. */
    public static void inject(BiConsumer<String, String> header) {
        W3C.inject(Context.current(), header, BiConsumer::accept);
    }

    /** The headers {@link #inject} writes, by name: for a request built all at once. */
    public static List<String> fields() {
        return List.copyOf(W3C.fields());
    }

    /**
     * The current trace id (32 hex digits): the current span's, or a fresh random one where no span is current
     * (then the attempt row still gets an id to search logs by).
     */
    public static String currentTraceId() {
        SpanContext c = Span.current().getSpanContext();
        if (c.isValid()) {
            return c.getTraceId();
        }
        byte[] bytes = new byte[16];
        ThreadLocalRandom.current().nextBytes(bytes);
        return HexFormat.of().formatHex(bytes);
    }
}
