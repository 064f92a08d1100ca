package dev.chartbridge.core.release;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.chartbridge.core.audit.AuditLog;
import dev.chartbridge.core.json.Json;
import dev.chartbridge.core.store.Jdbc;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The release settings in the database ({@code release_control}): read by intake inside its transaction, seeded
 * from configuration at start, changed at run time by an administrator. Every change is audited
 * ({@code release.changed}: who, the value before and after) in the transaction that makes it, and changes of one
 * setting are serialized. Intake reads them through a per-tenant cache that proves itself current in intake's own
 * insert (the tenant's settings version), so a change applies to every node's next intake.
 * Thread-safe.
 */
public final class ReleaseControls {
    /** Who a setting written from the configuration file is attributed to. */
    public static final String CONFIG_ACTOR = "config";

    private final Jdbc jdbc;

    public ReleaseControls(Jdbc jdbc) {
        this.jdbc = jdbc;
    }

    /** One stored setting and who last set it. */
    public record Stored(ReleaseControl control, String updatedBy, java.time.Instant updatedAt) {
    }

    /** A change: the setting before (live when none was stored) and after. */
    public record Change(ReleaseControl before, ReleaseControl after) {
    }

    /**
     * Every stored setting of the tenant, by event type and then target; a target not listed is live. Read by
     * intake's per-tenant cache ({@code TenantSettingsCache}), which is why changes also raise the tenant's settings
     * version (a trigger, migration V70_1).
     */
    public static Map<String, Map<String, ReleaseControl>> byTypeAndTarget(Connection c, String tenantId)
            throws SQLException {
        Map<String, Map<String, ReleaseControl>> byType = new HashMap<>();
        for (Stored s : select(c, tenantId, "")) {
            byType.computeIfAbsent(s.control().eventType(), t -> new HashMap<>()).put(s.control().target(), s.control());
        }
        return byType;
    }

    /** Every stored setting of the tenant, by target and event type. */
    public List<Stored> list(String tenantId) {
        return jdbc.read(c -> select(c, tenantId, ""));
    }

    /** Sets one setting as {@code actor} and audits the change; setting the same value again changes nothing. */
    public Change set(String tenantId, String actor, ReleaseControl after) {
        return jdbc.inTransaction(c -> {
            lock(c, tenantId);
            ReleaseControl before = stored(c, tenantId, after.target(), after.eventType())
                    .map(Stored::control).orElse(ReleaseControl.live(after.target(), after.eventType()));
            if (!before.equals(after)) {
                upsert(c, tenantId, actor, after);
                audit(c, tenantId, actor, before, after);
            }
            return new Change(before, after);
        });
    }

    /**
     * Applies the configuration at start: a configured setting is stored where none is, or where the stored one was
     * itself written from configuration; a setting an administrator changed through the API since is kept (the API
     * wins until it is changed there again). A setting written from configuration that the configuration no longer
     * names goes back to live. Each change is audited as by {@link #CONFIG_ACTOR}.
     *
     * @return the settings kept because an administrator changed them (configuration not applied)
     */
    public List<ReleaseControl> seed(String tenantId, List<ReleaseControl> configured) {
        return jdbc.inTransaction(c -> {
            lock(c, tenantId);
            List<ReleaseControl> kept = new ArrayList<>();
            Set<String> named = new HashSet<>();
            for (ReleaseControl want : configured) {
                named.add(want.target() + "/" + want.eventType());
                Optional<Stored> have = stored(c, tenantId, want.target(), want.eventType());
                if (have.isPresent() && !CONFIG_ACTOR.equals(have.get().updatedBy())) {
                    if (!have.get().control().equals(want)) {
                        kept.add(have.get().control());
                    }
                    continue;
                }
                ReleaseControl before = have.map(Stored::control)
                        .orElse(ReleaseControl.live(want.target(), want.eventType()));
                if (have.isEmpty() || !before.equals(want)) {
                    upsert(c, tenantId, CONFIG_ACTOR, want);
                    audit(c, tenantId, CONFIG_ACTOR, before, want);
                }
            }
            for (Stored s : select(c, tenantId, " AND updated_by = ?", CONFIG_ACTOR)) {
                ReleaseControl gone = s.control();
                if (!named.contains(gone.target() + "/" + gone.eventType())) {
                    delete(c, tenantId, gone);
                    audit(c, tenantId, CONFIG_ACTOR, gone, ReleaseControl.live(gone.target(), gone.eventType()));
                }
            }
            return kept;
        });
    }

    /** One writer of a tenant's settings at a time (two administrators, or nodes starting together). */
    private static void lock(Connection c, String tenantId) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT pg_advisory_xact_lock(hashtext('release/' || ?))")) {
            ps.setString(1, tenantId);
            ps.executeQuery().close();
        }
    }

    private static Optional<Stored> stored(Connection c, String tenantId, String target, String eventType)
            throws SQLException {
        return select(c, tenantId, " AND target = ? AND event_type = ?", target, eventType).stream().findFirst();
    }

    private static List<Stored> select(Connection c, String tenantId, String where, String... args)
            throws SQLException {
        List<Stored> rows = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT target, event_type, mode, allow_patients,"
                + " allow_authors, otherwise, updated_by, updated_at FROM release_control WHERE tenant_id = ?"
                + where + " ORDER BY target, event_type")) {
            ps.setString(1, tenantId);
            int i = 2;
            for (String a : args) {
                ps.setString(i++, a);
            }
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    ReleaseControl control = new ReleaseControl(rs.getString(1), rs.getString(2),
                            ReleaseMode.valueOf(rs.getString(3).toUpperCase()), texts(rs, 4), texts(rs, 5),
                            ReleaseMode.valueOf(rs.getString(6).toUpperCase()));
                    rows.add(new Stored(control, rs.getString(7),
                            rs.getObject(8, java.time.OffsetDateTime.class).toInstant()));
                }
            }
        }
        return rows;
    }

    private static Set<String> texts(ResultSet rs, int column) throws SQLException {
        return Set.of((String[]) rs.getArray(column).getArray());
    }

    private static void upsert(Connection c, String tenantId, String actor, ReleaseControl r) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO release_control (tenant_id, target, event_type,"
                + " mode, allow_patients, allow_authors, otherwise, updated_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
                + " ON CONFLICT (tenant_id, target, event_type) DO UPDATE SET mode = excluded.mode,"
                + " allow_patients = excluded.allow_patients, allow_authors = excluded.allow_authors,"
                + " otherwise = excluded.otherwise, updated_by = excluded.updated_by, updated_at = now()")) {
            ps.setString(1, tenantId);
            ps.setString(2, r.target());
            ps.setString(3, r.eventType());
            ps.setString(4, r.mode().wireName());
            ps.setArray(5, c.createArrayOf("text", r.allowPatients().stream().sorted().toArray()));
            ps.setArray(6, c.createArrayOf("text", r.allowAuthors().stream().sorted().toArray()));
            ps.setString(7, r.otherwise().wireName());
            ps.setString(8, actor);
            ps.executeUpdate();
        }
    }

    private static void delete(Connection c, String tenantId, ReleaseControl r) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("DELETE FROM release_control WHERE tenant_id = ?"
                + " AND target = ? AND event_type = ?")) {
            ps.setString(1, tenantId);
            ps.setString(2, r.target());
            ps.setString(3, r.eventType());
            ps.executeUpdate();
        }
    }

    private static void audit(Connection c, String tenantId, String actor, ReleaseControl before,
                              ReleaseControl after) throws SQLException {
        ObjectNode d = Json.MAPPER.createObjectNode();
        d.put("target", after.target());
        d.put("eventType", after.eventType());
        d.set("before", describe(before));
        d.set("after", describe(after));
        AuditLog.append(c, tenantId, actor, "release.changed", null, null, Json.canonical(d));
    }

    /** A setting as JSON: {@code mode}, {@code allowPatients}, {@code allowAuthors}, {@code otherwise}. */
    public static ObjectNode describe(ReleaseControl r) {
        ObjectNode n = Json.MAPPER.createObjectNode();
        n.put("mode", r.mode().wireName());
        r.allowPatients().stream().sorted().forEach(n.putArray("allowPatients")::add);
        r.allowAuthors().stream().sorted().forEach(n.putArray("allowAuthors")::add);
        n.put("otherwise", r.otherwise().wireName());
        return n;
    }
}
