package dev.chartbridge.core.settings;

import dev.chartbridge.core.release.ReleaseControls;
import dev.chartbridge.core.store.Jdbc;

import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The {@link TenantSettings} of each tenant, read from the database on first use and kept until dropped: by
 * {@link TenantSettingsListener} when a node commits a change (PostgreSQL NOTIFY), or by intake when its insert
 * found the copy stale. A copy is read in one snapshot, so its version and its contents agree. One entry per tenant
 * that submitted events; entries are small. Thread-safe.
 */
public final class TenantSettingsCache {
    private final Jdbc jdbc;
    private final Map<String, TenantSettings> byTenant = new ConcurrentHashMap<>();
    /** Counts drops by notice, so a read that raced one is not kept. */
    private final java.util.concurrent.atomic.AtomicLong drops = new java.util.concurrent.atomic.AtomicLong();

    public TenantSettingsCache(Jdbc jdbc) {
        this.jdbc = jdbc;
    }

    /** The tenant's settings, read now if no copy is held. */
    public TenantSettings get(String tenantId) {
        TenantSettings held = byTenant.get(tenantId);
        if (held != null) {
            return held;
        }
        // Not computeIfAbsent: a read must not hold the map's bin lock, and two first reads are harmless. A copy
        // read before a drop is not put back after it (it may predate the change the drop was for).
        long before = drops.get();
        TenantSettings read = jdbc.snapshot(c -> read(c, tenantId));
        if (drops.get() == before) {
            byTenant.putIfAbsent(tenantId, read);
        }
        return read;
    }

    /** Drops the tenant's copy if it is {@code stale} (not one a concurrent caller has read since). */
    public void drop(TenantSettings stale) {
        byTenant.remove(stale.tenantId(), stale);
    }

    /** Drops the tenant's copy, whatever it is. */
    public void drop(String tenantId) {
        drops.incrementAndGet();
        byTenant.remove(tenantId);
    }

    /** Drops every copy: when changes may have been missed (the listener lost its connection). */
    public void dropAll() {
        drops.incrementAndGet();
        byTenant.clear();
    }

    /** Whether a copy of the tenant's settings is held (for tests and diagnostics). */
    public boolean holds(String tenantId) {
        return byTenant.containsKey(tenantId);
    }

    private static TenantSettings read(Connection c, String tenantId) throws SQLException {
        long version;
        try (PreparedStatement ps = c.prepareStatement("SELECT coalesce((SELECT version FROM tenant_settings_version"
                + " WHERE tenant_id = ?), 0)")) {
            ps.setString(1, tenantId);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                version = rs.getLong(1);
            }
        }
        List<WebhookFilter> webhooks = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT notice_types, states FROM webhook"
                + " WHERE tenant_id = ? AND removed_at IS NULL")) {
            ps.setString(1, tenantId);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    webhooks.add(new WebhookFilter(texts(rs.getArray(1)), texts(rs.getArray(2))));
                }
            }
        }
        return new TenantSettings(tenantId, version, ReleaseControls.byTypeAndTarget(c, tenantId), webhooks);
    }

    private static List<String> texts(Array a) throws SQLException {
        return a == null ? null : List.of((String[]) a.getArray());
    }
}
