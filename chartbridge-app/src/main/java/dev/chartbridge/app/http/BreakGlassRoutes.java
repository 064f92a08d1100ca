package dev.chartbridge.app.http;

import dev.chartbridge.core.audit.PhiReads;
import dev.chartbridge.core.gate.BreakGlassReport;
import dev.chartbridge.core.json.FieldError;
import dev.chartbridge.core.store.Jdbc;
import dev.chartbridge.core.tenant.ApiKeys;
import io.javalin.http.Context;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** {@code GET /v1/break-glass?from=&to=&limit=}: the tenant's gate overrides, for an administrator. Thread-safe. */
final class BreakGlassRoutes {
    private final RequestAuth auth;
    private final BreakGlassReport report;
    private final PhiReads reads;

    BreakGlassRoutes(RequestAuth auth, Jdbc jdbc) {
        this.auth = auth;
        this.report = new BreakGlassReport(jdbc);
        this.reads = new PhiReads(jdbc);
    }

    void list(Context ctx) {
        // The report names patients' events: where the tenant verifies users, it is read by one (issue #15).
        Optional<RequestAuth.Acting> caller = auth.acting(ctx);
        if (caller.isEmpty()) {
            return;
        }
        List<FieldError> errors = new ArrayList<>();
        Instant from = Params.instant(ctx, "from", errors);
        Instant to = Params.instant(ctx, "to", errors);
        int limit = ReviewRoutes.limit(ctx.queryParam("limit"), errors);
        if (!errors.isEmpty()) {
            Responses.problem(ctx, Problem.invalid(400, "invalid-query", "Invalid query", errors));
            return;
        }
        BreakGlassReport.Report r = report.find(caller.get().tenantId(), from, to, limit);
        reads.recordQuery(caller.get().tenantId(), auth.readerActor(ctx, caller.get()), "break-glass-report", null,
                ctx.queryString());
        Responses.json(ctx, 200, Map.of("tenant", caller.get().tenantId(), "counts", r.counts(), "items", r.items()));
    }
}
