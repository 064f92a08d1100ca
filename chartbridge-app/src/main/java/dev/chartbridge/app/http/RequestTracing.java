package dev.chartbridge.app.http;

import dev.chartbridge.core.trace.Traces;
import io.javalin.http.Context;
import io.javalin.router.Endpoint;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.context.Scope;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

import java.util.Set;

/**
 * Each API request as a server span, child of the caller's W3C {@code traceparent} when it sends one (so an event
 * it submits, and every later attempt, EHR call and webhook delivery of it, is part of the caller's trace), with
 * the trace id in the logs' MDC ({@code traceId}) and one access-log line per request (logger
 * {@code chartbridge.access}): method, route template (never the path with its ids, never the query string),
 * status, duration and trace id; nothing of the body, no patient data. Answered scrapes and health probes are
 * logged at DEBUG (a failed one at INFO). Thread-safe.
 */
final class RequestTracing {
    private static final Logger ACCESS = LoggerFactory.getLogger("chartbridge.access");
    /** Routes that monitoring calls on a schedule: logged at DEBUG unless they fail. */
    private static final Set<String> PROBES = Set.of("/metrics", "/health/live", "/health/ready");
    private static final String SPAN = "chartbridge.span";
    private static final String SCOPE = "chartbridge.scope";
    private static final String STARTED = "chartbridge.started";

    private RequestTracing() {
    }

    static void before(Context ctx) {
        String traceparent = ctx.header(Traces.TRACEPARENT);
        Span span = Traces.start(ctx.method().name(), SpanKind.SERVER, Traces.parent(traceparent));
        span.setAttribute("http.request.method", ctx.method().name());
        ctx.attribute(SPAN, span);
        ctx.attribute(SCOPE, span.makeCurrent());
        ctx.attribute(STARTED, System.nanoTime());
        if (span.getSpanContext().isValid()) {
            MDC.put("traceId", span.getSpanContext().getTraceId());
        }
    }

    static void after(Context ctx) {
        Span span = ctx.attribute(SPAN);
        Scope scope = ctx.attribute(SCOPE);
        Long started = ctx.attribute(STARTED);
        if (span == null) {
            return;
        }
        String route = route(ctx);
        int status = ctx.statusCode();
        span.updateName(ctx.method().name() + " " + route);
        span.setAttribute("http.route", route);
        span.setAttribute("http.response.status_code", status);
        if (status >= 500) {
            span.setStatus(StatusCode.ERROR);
        }
        long millis = started == null ? 0 : (System.nanoTime() - started) / 1_000_000;
        String trace = span.getSpanContext().isValid() ? span.getSpanContext().getTraceId() : "-";
        if (status < 400 && PROBES.contains(route)) {
            // A scrape or a probe every few seconds would bury the requests an operator looks for.
            ACCESS.debug("{} {} {} {}ms trace={}", ctx.method().name(), route, status, millis, trace);
        } else {
            ACCESS.info("{} {} {} {}ms trace={}", ctx.method().name(), route, status, millis, trace);
        }
        span.end();
        if (scope != null) {
            scope.close();
        }
    }

    /** The matched route template ({@code /v1/events/{id}}), or {@code unmatched}: never the request's own path. */
    private static String route(Context ctx) {
        try {
            Endpoint matched = ctx.endpoints().matchedHttpEndpoint();
            return matched == null ? "unmatched" : matched.path;
        } catch (RuntimeException e) {
            return "unmatched";
        }
    }
}
