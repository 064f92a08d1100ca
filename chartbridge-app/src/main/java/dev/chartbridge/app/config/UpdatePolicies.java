package dev.chartbridge.app.config;

import dev.chartbridge.core.ChartBridgeException;
import dev.chartbridge.core.event.EventType;
import dev.chartbridge.core.tenant.TenantPolicy;

import java.util.Map;
import java.util.Set;

/**
 * Checks a tenant's per-type update and fan-out policies ({@code onConflict}, {@code compensation}) at start: known
 * event types and values only, and never {@code merge} for a medication change (those always go to review).
 */
final class UpdatePolicies {
    private UpdatePolicies() {
    }

    static void validate(GatewayConfig.TenantConfig t) {
        check(t, "onConflict", t.onConflict(), Set.of(TenantPolicy.MERGE, TenantPolicy.REVIEW));
        check(t, "compensation", t.compensation(), Set.of(TenantPolicy.NO_COMPENSATION, TenantPolicy.ENTERED_IN_ERROR));
        if (t.onConflict() != null && TenantPolicy.MERGE.equals(t.onConflict().get("medication-change"))) {
            throw new ChartBridgeException("configuration: tenant " + t.id()
                    + ": onConflict.medication-change cannot be merge (medication changes always go to review)");
        }
    }

    private static void check(GatewayConfig.TenantConfig t, String key, Map<String, String> policy,
                              Set<String> allowed) {
        if (policy == null) {
            return;
        }
        policy.forEach((type, value) -> {
            if (EventType.fromWire(type).isEmpty()) {
                throw new ChartBridgeException("configuration: tenant " + t.id() + ": " + key + "." + type
                        + " is not an event type (" + EventType.allowedNames() + ")");
            }
            if (!allowed.contains(value)) {
                throw new ChartBridgeException("configuration: tenant " + t.id() + ": " + key + "." + type
                        + " must be one of " + String.join(", ", allowed));
            }
        });
    }
}
