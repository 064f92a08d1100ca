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
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

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
    /**
     * The meters registered so far, by name, connection and label values: a meter built and registered anew at each
     * write (its tags sorted, its id looked up) was 5% of a delivery thread's CPU in {@code ./bench cost} (#17).
     */
    private final Map<List<String>, Counter> counters = new ConcurrentHashMap<>();
    private final Map<List<String>, Timer> timers = new ConcurrentHashMap<>();

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
        timer("chartbridge.delivery.latency", "From event accepted to record written in the EHR", op)
                .record(Duration.between(op.createdAt(), now));
    }

    /** A send of a write that was sent before (a retry after a retryable answer or an unknown outcome). */
    void resent(OperationRow op) {
        counter(RETRIES, RETRIES_HELP, op).increment();
    }

    /** One recorded attempt (a row of the attempt ledger) and the transition it made. */
    void attempt(OperationRow op, Transition t) {
        ErrorClass errorClass = t.error() == null ? null : t.error().errorClass();
        int status = t.exchange() == null ? 0 : t.exchange().httpStatus();
        counter("chartbridge.attempts", "Recorded attempts by step, outcome, error class and HTTP status", op,
                "step", t.step().name(), "outcome", t.outcome(),
                "error_class", errorClass == null ? "none" : errorClass.name(),
                "http_status", status == 0 ? "none" : String.valueOf(status)).increment();
        counter("chartbridge.deliveries", "Recorded delivery outcomes by resulting state", op, "state", t.to().name())
                .increment();
        if (t.step() == Step.SEND || t.step() == Step.RECONCILE || t.step() == Step.VERIFY) {
            timer("chartbridge.ehr.call", "Time of one step's calls to an EHR", op, "step", t.step().name())
                    .record(Duration.ofMillis(t.durationMs()));
        }
        if (errorClass == ErrorClass.RATE_LIMITED) {
            counter(RATE_LIMIT_WAITS, RATE_LIMIT_HELP, op).increment();
        }
        if (t.to() == OperationState.CONFLICT || t.conflict() != null) {
            counter(CONFLICTS, CONFLICTS_HELP, op).increment();
        }
        if (t.step() == Step.RECONCILE && t.to().isWritten()) {
            counter(SUPPRESSIONS, SUPPRESSIONS_HELP, op, "kind", "reconciled").increment();
        }
    }

    /** The counter {@code name} of the operation's connection with the further labels {@code tags} (name, value...). */
    private Counter counter(String name, String description, OperationRow op, String... tags) {
        return counters.computeIfAbsent(key(name, op, tags), k -> Counter.builder(name).description(description)
                .tags(connection(op.tenantId(), op.target())).tags(tags).register(registry));
    }

    /** As {@link #counter}, for a timer with a percentile histogram. */
    private Timer timer(String name, String description, OperationRow op, String... tags) {
        return timers.computeIfAbsent(key(name, op, tags), k -> Timer.builder(name).description(description)
                .tags(connection(op.tenantId(), op.target())).tags(tags).publishPercentileHistogram()
                .register(registry));
    }

    private static List<String> key(String name, OperationRow op, String... tags) {
        List<String> key = new ArrayList<>(3 + tags.length);
        key.add(name);
        key.add(op.tenantId());
        key.add(op.target());
        key.addAll(Arrays.asList(tags));
        return key;
    }
}
