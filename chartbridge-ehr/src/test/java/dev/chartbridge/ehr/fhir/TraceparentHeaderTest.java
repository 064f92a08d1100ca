package dev.chartbridge.ehr.fhir;

import dev.chartbridge.core.adapter.SendOutcome;
import dev.chartbridge.core.adapter.WriteContext;
import dev.chartbridge.core.trace.Traces;
import dev.chartbridge.ehr.testing.Writes;
import dev.chartbridge.ehr.vendortest.TestEvents;
import dev.chartbridge.simulators.RecordedRequest;
import dev.chartbridge.simulators.fhir.FhirSimulatorExtension;
import dev.chartbridge.simulators.fhir.SeedData;
import io.opentelemetry.context.Scope;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The generic FHIR R4 adapter sends the current trace as {@code traceparent} on every request it makes (issue #14),
 * unless its connection says {@code propagateTrace: false}; with no current trace it sends none. No SDK here: the
 * API's no-op tracer carries the caller's context unchanged, so the header is exactly the current one.
 */
class TraceparentHeaderTest {
    @RegisterExtension
    static FhirSimulatorExtension ehr = new FhirSimulatorExtension();

    private static final TestEvents EVENTS = new TestEvents(SeedData.MRN_SYSTEM, SeedData.VISIT_SYSTEM);
    private static final String TRACEPARENT = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";

    @BeforeEach
    void clearJournal() {
        ehr.simulator().stats().journal().clear();
    }

    private static FhirR4Adapter adapter(Map<String, String> settings) {
        return new FhirR4Adapter(FhirConnection.of(ehr.simulator().baseUrl()).withReadTimeout(Duration.ofSeconds(2)),
                settings, Set.of("vitals"));
    }

    private static WriteContext vitals(String key) {
        return Writes.write(EVENTS.event("vitals", SeedData.MRN_MARIA, "V5001", e -> { }), 0, key);
    }

    private static SendOutcome sendUnder(FhirR4Adapter adapter, String key) {
        try (Scope ignored = Traces.parent(TRACEPARENT).makeCurrent()) {
            return adapter.send(vitals(key));
        }
    }

    private static List<RecordedRequest> requests() {
        return ehr.simulator().stats().journal().matching("POST", "/fhir/Observation");
    }

    @Test
    void the_current_trace_goes_with_the_write() {
        assertThat(sendUnder(adapter(Map.of()), "traced")).isInstanceOf(SendOutcome.Created.class);

        assertThat(requests()).hasSize(1);
        assertThat(requests().get(0).header("traceparent")).isEqualTo(TRACEPARENT);
    }

    @Test
    void a_connection_that_turns_propagation_off_sends_none() {
        assertThat(sendUnder(adapter(Map.of("propagateTrace", "false")), "untraced"))
                .isInstanceOf(SendOutcome.Created.class);

        assertThat(requests()).hasSize(1);
        assertThat(requests().get(0).header("traceparent")).isNull();
    }

    @Test
    void no_current_trace_sends_none() {
        assertThat(adapter(Map.of()).send(vitals("no-trace"))).isInstanceOf(SendOutcome.Created.class);

        assertThat(requests()).hasSize(1);
        assertThat(requests().get(0).header("traceparent")).isNull();
    }
}
