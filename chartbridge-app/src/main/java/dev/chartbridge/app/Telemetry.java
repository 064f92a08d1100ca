package dev.chartbridge.app;

import dev.chartbridge.core.trace.Traces;
import io.opentelemetry.context.Context;
import io.opentelemetry.sdk.autoconfigure.AutoConfiguredOpenTelemetrySdk;
import io.opentelemetry.sdk.trace.ReadWriteSpan;
import io.opentelemetry.sdk.trace.ReadableSpan;
import io.opentelemetry.sdk.trace.SpanProcessor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Installs the OpenTelemetry SDK for the process, once, configured by the standard {@code OTEL_*} environment
 * variables (and {@code otel.*} system properties) through the SDK's autoconfiguration
 * (https://opentelemetry.io/docs/languages/java/configuration/). Exporters are off unless set: the defaults here
 * are {@code OTEL_TRACES_EXPORTER=none}, {@code OTEL_METRICS_EXPORTER=none} and {@code OTEL_LOGS_EXPORTER=none}
 * (metrics are on {@code /metrics}; logs on stderr); set {@code OTEL_TRACES_EXPORTER=otlp} and
 * {@code OTEL_EXPORTER_OTLP_ENDPOINT} to send spans. Spans, their ids and W3C propagation work with no exporter.
 * {@code OTEL_SERVICE_NAME} defaults to {@code chartbridge}. Thread-safe.
 */
final class Telemetry {
    private static final Logger LOG = LoggerFactory.getLogger(Telemetry.class);
    private static final AtomicBoolean INSTALLED = new AtomicBoolean();

    private Telemetry() {
    }

    /** Installs the SDK as the source of the gateway's spans ({@link Traces#use}), once per process. */
    static void install() {
        if (!INSTALLED.compareAndSet(false, true)) {
            return;
        }
        try {
            Traces.use(AutoConfiguredOpenTelemetrySdk.builder()
                    // Lower precedence than OTEL_* variables and otel.* properties: defaults only.
                    .addPropertiesSupplier(() -> Map.of("otel.traces.exporter", "none",
                            "otel.metrics.exporter", "none", "otel.logs.exporter", "none",
                            "otel.service.name", "chartbridge"))
                    // With no exporter the SDK (1.68) has no span processor and then hands out invalid, non-
                    // recording spans: no trace id for the attempt rows, no new span id on the EHR call. One
                    // processor that does nothing keeps spans real whatever OTEL_TRACES_EXPORTER says.
                    .addTracerProviderCustomizer((builder, config) -> builder.addSpanProcessor(new KeepSpans()))
                    .build().getOpenTelemetrySdk());
        } catch (RuntimeException e) {
            // A bad OTEL_* setting must not stop the gateway: tracing is off, ids are still propagated.
            LOG.warn("OpenTelemetry not configured ({}: {}); traces are not exported", e.getClass().getSimpleName(),
                    e.getMessage());
        }
    }

    /** A span processor that does nothing: its presence alone makes the SDK create real spans. */
    private static final class KeepSpans implements SpanProcessor {
        @Override
        public void onStart(Context parentContext, ReadWriteSpan span) {
            // nothing: spans are exported (or not) by the processors OTEL_TRACES_EXPORTER configures
        }

        @Override
        public boolean isStartRequired() {
            return false;
        }

        @Override
        public void onEnd(ReadableSpan span) {
            // nothing
        }

        @Override
        public boolean isEndRequired() {
            return false;
        }
    }
}
