package dev.chartbridge.core.settings;

import dev.chartbridge.core.release.ReleaseControl;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;

/**
 * One tenant's settings that intake decides with, as stored at one version: its release controls and the filters of
 * its active webhooks. Immutable.
 *
 * <p>A decision made with a cached copy holds only if the copy is still current when the decision is stored:
 * intake puts {@link #ALL_CURRENT} into the statement that stores the events, which then writes nothing when a
 * tenant's settings changed since its copy was read (see {@code V70_1__tenant_settings_version.sql}).
 *
 * @param version  the tenant's settings version this copy was read at (0 before any change)
 * @param controls stored release controls by event type and then target; a target not listed is live
 * @param webhooks the notice filters of the tenant's active webhooks
 */
public record TenantSettings(String tenantId, long version, Map<String, Map<String, ReleaseControl>> controls,
                             List<WebhookFilter> webhooks) {
    /** SQL for the tenant's settings version now: one parameter, the tenant (0 before any change). */
    public static final String VERSION_OF = "coalesce((SELECT version FROM tenant_settings_version"
            + " WHERE tenant_id = ?), 0)";

    /**
     * SQL that is true when the tenant's settings are still at the version of a copy: parameters the tenant and the
     * copy's version ({@link #bindCurrent}).
     */
    public static final String CURRENT = VERSION_OF + " = ?";

    /**
     * SQL that is true when every one of some copies is still at its tenant's version: two parameters, the copies'
     * tenants and versions ({@link #bindAllCurrent}).
     */
    public static final String ALL_CURRENT = "SELECT coalesce(bool_and(coalesce(v.version, 0) = t.version), true)"
            + " FROM unnest(?::text[], ?::int8[]) AS t(tenant_id, version)"
            + " LEFT JOIN tenant_settings_version v ON v.tenant_id = t.tenant_id";

    public TenantSettings {
        controls = controls.entrySet().stream().collect(java.util.stream.Collectors.toUnmodifiableMap(
                Map.Entry::getKey, e -> Map.copyOf(e.getValue())));
        webhooks = List.copyOf(webhooks);
    }

    /** The stored release controls of one event type, by target; a target not listed is live. */
    public Map<String, ReleaseControl> releaseControls(String eventType) {
        return controls.getOrDefault(eventType, Map.of());
    }

    /** Whether some active webhook takes notices of this type about an operation in this state. */
    public boolean anyWebhookTakes(String noticeType, String state) {
        return webhooks.stream().anyMatch(w -> w.takes(noticeType, state));
    }

    /** Binds {@link #CURRENT}'s two parameters from {@code index}; returns the next free index. */
    public int bindCurrent(PreparedStatement ps, int index) throws SQLException {
        ps.setString(index, tenantId);
        ps.setLong(index + 1, version);
        return index + 2;
    }

    /** Binds {@link #ALL_CURRENT}'s two parameters for {@code copies} from {@code index}; returns the next free index. */
    public static int bindAllCurrent(Connection c, PreparedStatement ps, int index,
                                     java.util.Collection<TenantSettings> copies) throws SQLException {
        ps.setArray(index, c.createArrayOf("text", copies.stream().map(TenantSettings::tenantId).toArray()));
        ps.setArray(index + 1, c.createArrayOf("int8", copies.stream().map(TenantSettings::version).toArray()));
        return index + 2;
    }

    /** Whether this copy is still current, read in the caller's transaction. */
    public boolean isCurrent(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT " + CURRENT)) {
            bindCurrent(ps, 1);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getBoolean(1);
            }
        }
    }
}
