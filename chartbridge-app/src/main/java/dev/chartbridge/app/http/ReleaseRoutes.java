package dev.chartbridge.app.http;

import com.fasterxml.jackson.databind.JsonNode;
import dev.chartbridge.core.adapter.Targets;
import dev.chartbridge.core.intake.ReleaseControlParser;
import dev.chartbridge.core.json.FieldError;
import dev.chartbridge.core.release.ReleaseControl;
import dev.chartbridge.core.release.ReleaseControls;
import dev.chartbridge.core.store.Jdbc;
import dev.chartbridge.core.tenant.ApiKeys;
import io.javalin.http.Context;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code GET /v1/release-controls} (any key of the tenant) and {@code PUT /v1/release-controls} (an
 * administrator's key): the tenant's release settings per target and event type. Thread-safe.
 */
final class ReleaseRoutes {
    private final RequestAuth auth;
    private final RequestBodies bodies;
    private final ReleaseControls controls;
    private final Targets targets;

    ReleaseRoutes(RequestAuth auth, RequestBodies bodies, Jdbc jdbc, Targets targets) {
        this.auth = auth;
        this.bodies = bodies;
        this.controls = new ReleaseControls(jdbc);
        this.targets = targets;
    }

    void list(Context ctx) {
        // Allowlists name patients: where the tenant verifies users, one reads them (issue #15).
        Optional<RequestAuth.Acting> caller = auth.acting(ctx);
        if (caller.isEmpty()) {
            return;
        }
        List<Map<String, Object>> items = new ArrayList<>();
        for (ReleaseControls.Stored s : controls.list(caller.get().tenantId())) {
            Map<String, Object> item = view(s.control());
            item.put("updatedBy", s.updatedBy());
            item.put("updatedAt", s.updatedAt());
            items.add(item);
        }
        Responses.json(ctx, 200, Map.of("tenant", caller.get().tenantId(), "default", "live", "controls", items));
    }

    void put(Context ctx) {
        Optional<ApiKeys.Caller> caller = auth.authenticate(ctx); // the admin role: RouteTable
        if (caller.isEmpty()) {
            return;
        }
        List<FieldError> errors = new ArrayList<>();
        JsonNode tree = bodies.readJson(ctx, errors);
        ReleaseControl control = tree == null ? null : ReleaseControlParser.parse(tree, errors);
        if (control != null && targets.find(caller.get().tenantId(), control.target()).isEmpty()) {
            errors.add(new FieldError("/target", "is not an EHR connection of tenant " + caller.get().tenantId()));
            control = null;
        }
        if (control == null) {
            Responses.problem(ctx, Problem.invalid(400, "invalid-release-control", "Invalid release control",
                    errors.isEmpty() ? List.of(new FieldError("", "send a JSON object")) : errors));
            return;
        }
        ReleaseControls.Change change = controls.set(caller.get().tenantId(), caller.get().actor(), control);
        Responses.json(ctx, 200, Map.of("target", control.target(), "eventType", control.eventType(),
                "changed", !change.before().equals(change.after()), "before", view(change.before()),
                "after", view(change.after())));
    }

    private static Map<String, Object> view(ReleaseControl r) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("target", r.target());
        m.put("eventType", r.eventType());
        m.put("mode", r.mode().wireName());
        m.put("allowPatients", r.allowPatients().stream().sorted().toList());
        m.put("allowAuthors", r.allowAuthors().stream().sorted().toList());
        m.put("otherwise", r.otherwise().wireName());
        return m;
    }
}
