package dev.chartbridge.core.intake;

import dev.chartbridge.core.event.ClinicalEvent;
import dev.chartbridge.core.event.EventParser;
import dev.chartbridge.core.formulary.Formulary;
import dev.chartbridge.core.gate.BreakGlass;
import dev.chartbridge.core.gate.Gate;
import dev.chartbridge.core.gate.GateOverride;
import dev.chartbridge.core.json.FieldError;
import dev.chartbridge.core.tenant.TenantPolicy;
import dev.chartbridge.core.testing.Examples;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A gate decided again for the same submission (its store tried again after a stale settings copy, or alone after
 * its group was rolled back) is overridden once: the event's record carries one {@code gate.overridden} entry per
 * gate, not one per try.
 */
class BreakGlassCheckTest {
    private static final ClinicalEvent NOTE = new EventParser(Clock.systemUTC()).parse(Examples.load("note")).event();

    @Test
    void a_gate_decided_twice_is_overridden_once() {
        TenantPolicy policy = new TenantPolicy("treatment", Set.of(NOTE.author().role()), Formulary.OPEN, Map.of(),
                Map.of());
        BreakGlassCheck glass = new BreakGlassCheck(new BreakGlass(Set.of(Gate.CONSENT), "unconscious patient"),
                policy, NOTE);
        FieldError refusal = new FieldError("/patient", "no treatment consent on record");

        assertThat(glass.overrideOrRefuse(Gate.CONSENT, refusal)).isNull();
        assertThat(glass.overrideOrRefuse(Gate.CONSENT, refusal)).isNull();

        assertThat(glass.overrides()).containsExactly(new GateOverride(Gate.CONSENT, refusal));
    }
}
