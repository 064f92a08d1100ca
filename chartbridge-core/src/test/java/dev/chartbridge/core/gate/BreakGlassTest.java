package dev.chartbridge.core.gate;

import dev.chartbridge.core.json.FieldError;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

class BreakGlassTest {
    @Test
    void no_headers_is_no_break_glass() {
        List<FieldError> errors = new ArrayList<>();
        assertThat(BreakGlass.parse(null, null, errors)).isNull();
        assertThat(errors).isEmpty();
    }

    @Test
    void overridable_gates_and_a_reason_make_a_request() {
        List<FieldError> errors = new ArrayList<>();
        BreakGlass glass = BreakGlass.parse(" consent ,patient-context", "  Emergency  ", errors);
        assertThat(errors).isEmpty();
        assertThat(glass.gates()).isEqualTo(Set.of(Gate.CONSENT, Gate.PATIENT_CONTEXT));
        assertThat(glass.reason()).isEqualTo("Emergency");
    }

    @Test
    void a_missing_reason_an_unknown_gate_and_a_gate_never_overridden_are_each_named() {
        List<FieldError> errors = new ArrayList<>();
        assertThat(BreakGlass.parse("consent,formulary,magic", " ", errors)).isNull();
        assertThat(errors).extracting(FieldError::pointer).containsExactly("header:X-Break-Glass",
                "header:X-Break-Glass", "header:X-Break-Glass-Reason");
        assertThat(errors.get(0).detail()).contains("may never be overridden: 'formulary'");
        assertThat(errors.get(1).detail()).contains("names no gate: 'magic'");

        List<FieldError> noGates = new ArrayList<>();
        assertThat(BreakGlass.parse(null, "Emergency", noGates)).isNull();
        assertThat(noGates).extracting(FieldError::pointer).containsExactly("header:X-Break-Glass");
    }

    @Test
    void only_consent_and_patient_context_may_ever_be_overridden() {
        assertThat(Set.of(Gate.values()).stream().filter(Gate::overridable))
                .containsExactlyInAnyOrder(Gate.CONSENT, Gate.PATIENT_CONTEXT);
    }
}
