package dev.chartbridge.app.console;

import dev.chartbridge.app.http.ConnectionCheckRoutes;
import dev.chartbridge.core.adapter.Target;
import dev.chartbridge.core.adapter.Targets;
import dev.chartbridge.core.event.EventType;
import dev.chartbridge.core.release.ReleaseControl;
import dev.chartbridge.core.release.ReleaseControls;
import dev.chartbridge.core.release.ReleaseMode;
import dev.chartbridge.core.search.ConnectionActivity;
import dev.chartbridge.core.store.Jdbc;
import dev.chartbridge.core.tenant.KeyRole;
import io.javalin.http.Context;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The console's dashboard (per connection: health, throughput, latency, states, error classes) and release
 * controls (per connection and event type; changed with an administrator's key only). Thread-safe.
 */
final class OverviewPages {
    static final Duration WINDOW = Duration.ofHours(24);

    private final ConsoleRoutes console;
    private final Targets targets;
    private final Supplier<? extends Map<String, ?>> health;
    private final ConnectionActivity activity;
    private final ReleaseControls controls;

    OverviewPages(ConsoleRoutes console, Jdbc jdbc, Targets targets, Supplier<? extends Map<String, ?>> health) {
        this.console = console;
        this.targets = targets;
        this.health = health;
        this.activity = new ConnectionActivity(jdbc);
        this.controls = new ReleaseControls(jdbc);
    }

    void dashboard(Context ctx, ConsoleSessions.Session s) {
        Map<String, ConnectionActivity.Figures> figures = activity.of(s.tenantId(), Instant.now(), WINDOW);
        Map<String, ?> checks = health.get();
        List<ConnectionRow> rows = new ArrayList<>();
        for (Target t : tenantTargets(s.tenantId())) {
            Map<?, ?> check = checks.get(t.queue()) instanceof Map<?, ?> m ? m : Map.of();
            ConnectionActivity.Figures f = figures.getOrDefault(t.name(),
                    new ConnectionActivity.Figures(t.name(), 0, 0, Map.of(), null, null, 0, Map.of()));
            rows.add(new ConnectionRow(t.name(), t.adapter().vendor(), text(check.get("status"), "pending"),
                    text(check.get("detail"), ""), text(check.get("checkedAt"), ""), f));
        }
        Map<String, Object> model = new LinkedHashMap<>();
        model.put("chrome", console.chrome(s, "dashboard"));
        model.put("rows", rows);
        model.put("window", "24 h");
        console.view().render(ctx, 200, "dashboard", model);
    }

    /**
     * The live check of one of the tenant's connections, run now (as {@code GET /v1/connections/{name}/check}):
     * capabilities against the vendor profile, token and scopes, a read of the test patient. Reviewers and
     * administrators only, as on the API.
     */
    void check(Context ctx, ConsoleSessions.Session s) {
        if (!s.caller().has(KeyRole.REVIEWER) && !s.caller().has(KeyRole.ADMIN)) {
            console.view().render(ctx, 403, "refused", Map.of("message",
                    "The live check needs a reviewer's or an administrator's key."));
            return;
        }
        Optional<Target> target = targets.find(s.tenantId(), ctx.pathParam("name"));
        if (target.isEmpty()) {
            console.view().render(ctx, 404, "refused", Map.of("message", "This tenant has no connection of that name."));
            return;
        }
        Map<String, Object> model = new LinkedHashMap<>();
        model.put("chrome", console.chrome(s, "dashboard"));
        model.put("connection", target.get().name());
        model.put("vendor", target.get().adapter().vendor());
        model.put("report", ConnectionCheckRoutes.inspect(target.get()));
        console.view().render(ctx, 200, "check", model);
    }

    void release(Context ctx, ConsoleSessions.Session s) {
        Map<String, ReleaseControls.Stored> stored = new LinkedHashMap<>();
        controls.list(s.tenantId()).forEach(x -> stored.put(key(x.control().target(), x.control().eventType()), x));
        List<Map<String, Object>> rows = new ArrayList<>();
        for (Target t : tenantTargets(s.tenantId())) {
            for (EventType type : EventType.values()) {
                ReleaseControls.Stored x = stored.get(key(t.name(), type.wireName()));
                ReleaseControl c = x == null ? ReleaseControl.live(t.name(), type.wireName()) : x.control();
                Map<String, Object> row = new LinkedHashMap<>();
                row.put("target", t.name());
                row.put("eventType", type.wireName());
                row.put("mode", c.mode().wireName());
                row.put("allowlist", c.hasAllowlist() ? "patients " + c.allowPatients().size() + ", authors "
                        + c.allowAuthors().size() + "; others " + c.otherwise().wireName() : "");
                row.put("updated", x == null ? "default" : x.updatedBy() + " at " + x.updatedAt());
                rows.add(row);
            }
        }
        Map<String, Object> model = new LinkedHashMap<>();
        model.put("chrome", console.chrome(s, "release"));
        model.put("rows", rows);
        model.put("modes", Arrays.stream(ReleaseMode.values()).map(ReleaseMode::wireName).toList());
        console.view().render(ctx, 200, "release", model);
    }

    /** Sets one mode, keeping the control's allowlists as they are (they are edited through the API). */
    void setRelease(Context ctx, ConsoleSessions.Session s) {
        String page = ConsoleRoutes.BASE + "/release";
        if (!s.caller().admin()) {
            console.redirect(ctx, s, page, null, "Release controls are changed with an administrator's key.");
            return;
        }
        String target = ctx.formParam("target");
        String type = ctx.formParam("eventType");
        Optional<ReleaseMode> mode = ReleaseMode.parse(ctx.formParam("mode"));
        if (target == null || targets.find(s.tenantId(), target).isEmpty() || type == null
                || EventType.fromWire(type).isEmpty() || mode.isEmpty()) {
            console.redirect(ctx, s, page, null, "Choose a connection, an event type and a mode.");
            return;
        }
        ReleaseControl current = controls.list(s.tenantId()).stream().map(ReleaseControls.Stored::control)
                .filter(c -> c.target().equals(target) && c.eventType().equals(type)).findFirst()
                .orElse(ReleaseControl.live(target, type));
        ReleaseControl after = new ReleaseControl(target, type, mode.get(), current.allowPatients(),
                current.allowAuthors(), current.otherwise());
        ReleaseControls.Change change = controls.set(s.tenantId(), s.actor(), after);
        console.redirect(ctx, s, page, change.before().equals(change.after()) ? "No change." : target + " " + type
                + ": " + change.before().mode().wireName() + " -> " + after.mode().wireName() + ".", null);
    }

    private List<Target> tenantTargets(String tenantId) {
        return targets.all().stream().filter(t -> t.tenantId().equals(tenantId))
                .sorted(Comparator.comparing(Target::name)).toList();
    }

    private static String key(String target, String type) {
        return target + "\u0000" + type;
    }

    private static String text(Object o, String otherwise) {
        return o == null ? otherwise : o.toString();
    }
}
