package dev.chartbridge.core.delivery;

import dev.chartbridge.core.adapter.ErrorClass;
import dev.chartbridge.core.adapter.Target;
import dev.chartbridge.core.adapter.Targets;
import dev.chartbridge.core.event.OperationState;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;

import java.time.Duration;
import java.time.Instant;

/**
 * The delivery engine's meters, each labelled by connection ({@code tenant}, {@code connection}, {@code vendor}):
 * attempts by step, outcome, error class and HTTP status; EHR call latency (histogram); delivery latency; state
 * transitions; retries, conflicts, rate-limit waits and writes found by reconciliation instead of resent. Labels
 * are names from the gateway's own vocabulary, never patient data. See docs/operations.md. Thread-safe.
 */
final class DeliveryMetrics {
    private static final String RETRIES = "chartbridge.retries";
    private static final String RETRIES_HELP = "Sends of a write after its first";
    private static final String RATE_LIMIT_WAITS = "chartbridge.rate_limit.waits";
    private static final String RATE_LIMIT_HELP = "Attempts the EHR's rate limit (or the vendor's call budget) made"
            + " wait";
    private static final String CONFLICTS = "chartbridge.conflicts";
    private static final String CONFLICTS_HELP = "Writes that met a record changed in the EHR since it was read";
    private static final String SUPPRESSIONS = "chartbridge.idempotency.suppressions";
    /** Shared with intake's replays, which count under the same name. */
    static final String SUPPRESSIONS_HELP = "Writes not sent again because the EHR was found holding them, or"
            + " events not accepted twice (replays)";
    private final MeterRegistry registry;
    private final Targets targets;

    DeliveryMetrics(MeterRegistry registry) {
        this(registry, null);
    }

    /** @param targets where a queue's vendor is read; null labels every vendor {@code unknown} */
    DeliveryMetrics(MeterRegistry registry, Targets targets) {
        this.registry = registry;
        this.targets = targets;
        if (targets != null) {
            // Registered at zero for every connection, so that rates and alerts see a series before the first event.
            for (Target t : targets.all()) {
                Tags where = connection(t.tenantId(), t.name());
                Counter.builder(RETRIES).description(RETRIES_HELP).tags(where).register(registry);
                Counter.builder(RATE_LIMIT_WAITS).description(RATE_LIMIT_HELP).tags(where).register(registry);
                Counter.builder(CONFLICTS).description(CONFLICTS_HELP).tags(where).register(registry);
                Counter.builder(SUPPRESSIONS).description(SUPPRESSIONS_HELP).tags(where).tag("kind", "reconciled")
                        .register(registry);
            }
        }
    }

    /** The labels of a connection, from its queue ({@code tenant/connection}). */
    Tags connection(String tenantId, String name) {
        String vendor = targets == null ? "unknown"
                : targets.find(tenantId, name).map(Target::adapter).map(a -> a.vendor()).orElse("unknown");
        return Tags.of("tenant", tenantId, "connection", name, "vendor", vendor);
    }

    /** From acceptance of the event to the EHR holding the record. */
    void written(OperationRow op, Instant now) {
        Timer.builder("chartbridge.delivery.latency").description("From event accepted to record written in the EHR")
                .tags(connection(op.tenantId(), op.target())).publishPercentileHistogram().register(registry)
                .record(Duration.between(op.createdAt(), now));
    }

    /** A send of a write that was sent before (a retry after a retryable answer or an unknown outcome). */
    void resent(OperationRow op) {
        count(RETRIES, RETRIES_HELP, connection(op.tenantId(), op.target()));
    }

    /** One recorded attempt (a row of the attempt ledger) and the transition it made. */
    void attempt(OperationRow op, Transition t) {
        Tags where = connection(op.tenantId(), op.target());
        ErrorClass errorClass = t.error() == null ? null : t.error().errorClass();
        int status = t.exchange() == null ? 0 : t.exchange().httpStatus();
        Counter.builder("chartbridge.attempts").description("Recorded attempts by step, outcome, error class and HTTP"
                        + " status")
                .tags(where).tag("step", t.step().name()).tag("outcome", t.outcome())
                .tag("error_class", errorClass == null ? "none" : errorClass.name())
                .tag("http_status", status == 0 ? "none" : String.valueOf(status)).register(registry).increment();
        Counter.builder("chartbridge.deliveries").description("Recorded delivery outcomes by resulting state")
                .tags(where).tag("state", t.to().name()).register(registry).increment();
        if (t.step() == Step.SEND || t.step() == Step.RECONCILE || t.step() == Step.VERIFY) {
            Timer.builder("chartbridge.ehr.call").description("Time of one step's calls to an EHR")
                    .tags(where).tag("step", t.step().name()).publishPercentileHistogram()
                    .register(registry).record(Duration.ofMillis(t.durationMs()));
        }
        if (errorClass == ErrorClass.RATE_LIMITED) {
            count(RATE_LIMIT_WAITS, RATE_LIMIT_HELP, where);
        }
        if (t.to() == OperationState.CONFLICT || t.conflict() != null) {
            count(CONFLICTS, CONFLICTS_HELP, where);
        }
        if (t.step() == Step.RECONCILE && t.to().isWritten()) {
            Counter.builder(SUPPRESSIONS).description(SUPPRESSIONS_HELP).tags(where).tag("kind", "reconciled").register(registry).increment();
        }
    }

    private void count(String name, String description, Tags where) {
        Counter.builder(name).description(description).tags(where).register(registry).increment();
    }
}
