package dev.chartbridge.core.delivery;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

import java.time.Duration;
import java.time.Instant;

/** The delivery engine's meters. Labels are queue names and outcome names only: never patient data. Thread-safe. */
final class DeliveryMetrics {
    private final MeterRegistry registry;

    DeliveryMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    void sent(String queue, String outcome, Instant start, Instant end) {
        Timer.builder("chartbridge.ehr.call").description("Time of one send to an EHR")
                .tag("target", queue).tag("outcome", outcome).register(registry)
                .record(Duration.between(start, end));
    }

    /** From acceptance of the event to the EHR holding the record. */
    void written(String queue, Instant accepted, Instant now) {
        Timer.builder("chartbridge.delivery.latency").description("From event accepted to record written in the EHR")
                .tag("target", queue).publishPercentileHistogram().register(registry)
                .record(Duration.between(accepted, now));
    }

    void transition(String queue, OperationState to) {
        Counter.builder("chartbridge.deliveries").description("Recorded delivery outcomes by resulting state")
                .tag("target", queue).tag("state", to.name()).register(registry).increment();
    }
}
