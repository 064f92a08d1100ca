package dev.chartbridge.app.config;

import dev.chartbridge.core.ChartBridgeException;
import dev.chartbridge.core.event.EventType;
import dev.chartbridge.core.formulary.Formulary;
import dev.chartbridge.core.tenant.TenantPolicy;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The per-type update policies are checked at start; a medication change can never be set to merge. */
class UpdatePoliciesTest {
    private static GatewayConfig.TenantConfig tenant(Map<String, String> onConflict, Map<String, String> compensation) {
        return new GatewayConfig.TenantConfig("acme", "Acme", List.of(), List.of(), null, null, null, null,
                onConflict, compensation);
    }

    @Test
    void medication_changes_cannot_be_configured_to_merge() {
        assertThatThrownBy(() -> UpdatePolicies.validate(tenant(Map.of("medication-change", "merge"), null)))
                .isInstanceOf(ChartBridgeException.class).hasMessageContaining("onConflict.medication-change");
        TenantPolicy policy = new TenantPolicy(null, Set.of(), Formulary.OPEN, Map.of("medication-change", "merge"), Map.of());
        assertThat(policy.conflictPolicy(EventType.MEDICATION_CHANGE)).isEqualTo("review");
    }

    @Test
    void unknown_types_and_values_are_refused_by_name() {
        assertThatThrownBy(() -> UpdatePolicies.validate(tenant(Map.of("lab-result", "merge"), null)))
                .hasMessageContaining("onConflict.lab-result is not an event type");
        assertThatThrownBy(() -> UpdatePolicies.validate(tenant(null, Map.of("note", "delete"))))
                .hasMessageContaining("compensation.note must be one of");
    }

    @Test
    void defaults_merge_tasks_review_the_rest_and_compensate_nothing() {
        UpdatePolicies.validate(tenant(Map.of("note", "merge"), Map.of("vitals", "entered-in-error")));
        TenantPolicy defaults = TenantPolicy.permissive();
        assertThat(defaults.conflictPolicy(EventType.FOLLOW_UP_TASK)).isEqualTo("merge");
        assertThat(defaults.conflictPolicy(EventType.NOTE)).isEqualTo("review");
        assertThat(defaults.conflictPolicy(EventType.CONDITION)).isEqualTo("review");
        assertThat(defaults.compensationPolicy(EventType.VITALS)).isEqualTo("none");
    }
}
