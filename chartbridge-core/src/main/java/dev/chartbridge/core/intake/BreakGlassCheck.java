package dev.chartbridge.core.intake;

import dev.chartbridge.core.event.ClinicalEvent;
import dev.chartbridge.core.gate.BreakGlass;
import dev.chartbridge.core.gate.Gate;
import dev.chartbridge.core.gate.GateOverride;
import dev.chartbridge.core.json.FieldError;
import dev.chartbridge.core.tenant.TenantPolicy;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The break-glass decisions of one intake: a gate that would refuse is overridden when the request names it and the
 * event's author has a role the tenant lets break the glass; the overrides are collected to be audited with the
 * event. One per submission; not thread-safe (a submission stored in a group is decided by one thread at a time,
 * the group's, then its own).
 */
final class BreakGlassCheck {
    private final BreakGlass request;
    private final TenantPolicy policy;
    private final ClinicalEvent event;
    /** By gate: a gate decided again (a store tried again, or alone after its group) is overridden once. */
    private final Map<Gate, GateOverride> overrides = new LinkedHashMap<>();

    BreakGlassCheck(BreakGlass request, TenantPolicy policy, ClinicalEvent event) {
        this.request = request;
        this.policy = policy;
        this.event = event;
    }

    /**
     * @param refusal what the gate says
     * @return null when the gate is overridden (recorded), else the refusal to answer with: the gate's own, or,
     *         when the author may not break the glass, one naming {@code /author/role}
     */
    FieldError overrideOrRefuse(Gate gate, FieldError refusal) {
        if (request == null || !request.gates().contains(gate)) {
            return refusal;
        }
        if (!policy.breakGlassRoles().contains(event.author().role())) {
            return new FieldError("/author/role", "a " + event.author().role().wireName() + " may not override the "
                    + gate.wireName() + " gate (break-glass) for this tenant; the gate said: " + refusal.pointer()
                    + " " + refusal.detail());
        }
        overrides.put(gate, new GateOverride(gate, refusal));
        return null;
    }

    BreakGlass request() {
        return request;
    }

    List<GateOverride> overrides() {
        return List.copyOf(overrides.values());
    }
}
