package dev.chartbridge.app.http;

import dev.chartbridge.core.adapter.CheckReport;
import dev.chartbridge.core.adapter.Target;
import dev.chartbridge.core.adapter.Targets;
import dev.chartbridge.core.tenant.ApiKeys;
import io.javalin.http.Context;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * {@code GET /v1/connections/{name}/check}: the live check of one of the caller's EHR connections
 * ({@link dev.chartbridge.core.adapter.EhrAdapter#inspect()}), for a reviewer or an administrator: it makes calls to the EHR
 * (and may ask for a token), so it is not for every key. 200 with the report whatever its verdict; 404 for a
 * connection the tenant does not have. Thread-safe.
 */
public final class ConnectionCheckRoutes {
    private final RequestAuth auth;
    private final Targets targets;

    ConnectionCheckRoutes(RequestAuth auth, Targets targets) {
        this.auth = auth;
        this.targets = targets;
    }

    void check(Context ctx) {
        Optional<ApiKeys.Caller> caller = auth.authenticate(ctx); // roles: RouteTable (reviewer, admin)
        if (caller.isEmpty()) {
            return;
        }
        Optional<Target> target = targets.find(caller.get().tenantId(), ctx.pathParam("name"));
        if (target.isEmpty()) {
            Responses.problem(ctx, Problem.of(404, "not-found", "Not found", "the tenant has no connection named "
                    + ctx.pathParam("name")));
            return;
        }
        Responses.json(ctx, 200, body(target.get(), inspect(target.get())));
    }

    /** The adapter's report; an adapter that throws (a bug) is a FAIL rather than a 500 that hides the others. */
    public static CheckReport inspect(Target target) {
        try {
            return target.adapter().inspect();
        } catch (RuntimeException e) {
            return new CheckReport(java.util.List.of(CheckReport.Item.fail("check",
                    "the check failed (" + e.getClass().getSimpleName() + ")")));
        }
    }

    /** The JSON form of a report: tenant, connection, vendor, the worst verdict and the items. */
    static Map<String, Object> body(Target target, CheckReport report) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("tenant", target.tenantId());
        body.put("connection", target.name());
        body.put("vendor", target.adapter().vendor());
        body.put("verdict", report.verdict().name());
        body.put("items", report.items());
        return body;
    }
}
