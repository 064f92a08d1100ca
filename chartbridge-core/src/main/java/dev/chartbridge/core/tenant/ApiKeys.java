package dev.chartbridge.core.tenant;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.chartbridge.core.audit.AuditLog;
import dev.chartbridge.core.json.Json;
import dev.chartbridge.core.store.Jdbc;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Tenants and their API keys. A key issued here is {@code cbk_<prefix>_<secret>}: the prefix (8 random characters)
 * is not secret and names the key in lists and logs; the secret is 32 random bytes shown once to whoever creates
 * it. Only the SHA-256 of the whole key is stored (a slow password hash buys nothing for 256 bits of entropy).
 * Keys come from the configuration (registered at every start; those no longer configured are revoked) or from
 * the administrator API (created, rotated with an overlap, revoked, each audited). Thread-safe.
 */
public final class ApiKeys {
    private static final String PREFIX = "cbk_";
    private static final Pattern PREFIXED = Pattern.compile("cbk_([a-z0-9]{4,16})_.+");
    private static final char[] PREFIX_ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789".toCharArray();
    private static final SecureRandom RANDOM = new SecureRandom();

    private final Jdbc jdbc;

    public ApiKeys(Jdbc jdbc) {
        this.jdbc = jdbc;
    }

    /**
     * Who a request acts for: the tenant and the key used.
     *
     * @param roles     what the key may do
     * @param prefix    the key's non-secret prefix ({@code cbk_xxxx}), or null for a configured key without one
     * @param expiresAt when the key stops working, or null
     */
    public record Caller(String tenantId, UUID keyId, Set<KeyRole> roles, String prefix, Instant expiresAt) {
        public Caller {
            roles = roles.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(roles));
        }

        /** The key is an administrator's: it may manage keys, webhooks, release controls, read break-glass. */
        public boolean admin() {
            return roles.contains(KeyRole.ADMIN);
        }

        public boolean has(KeyRole role) {
            return roles.contains(role);
        }

        /** The actor name recorded in audit entries. */
        public String actor() {
            return "apikey:" + keyId;
        }
    }

    /** A key as an administrator sees it: never the secret. */
    public record KeyView(UUID id, String prefix, String label, Set<KeyRole> roles, String origin, Instant createdAt,
                          String createdBy, Instant expiresAt, Instant revokedAt, UUID rotatedFrom) {
    }

    /** A newly issued key: {@code secret} is the whole key, shown once. */
    public record Issued(KeyView key, String secret) {
    }

    /** A key named in the configuration, with its secret read from the environment or a file. */
    public record ConfiguredKey(String label, String secret, Set<KeyRole> roles) {
    }

    /** The non-secret prefix of a key ({@code cbk_xxxx}), or null when the key does not have the issued form. */
    public static String prefixOf(String secret) {
        if (secret == null) {
            return null;
        }
        Matcher m = PREFIXED.matcher(secret);
        return m.matches() ? PREFIX + m.group(1) : null;
    }

    /** Creates the tenant if it does not exist yet. */
    public void ensureTenant(String tenantId, String name) {
        jdbc.inTransaction(c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "INSERT INTO tenant (id, name) VALUES (?, ?) ON CONFLICT (id) DO NOTHING")) {
                ps.setString(1, tenantId);
                ps.setString(2, name);
                return ps.executeUpdate();
            }
        });
    }

    /**
     * Registers the configured keys of every tenant and revokes, audited, every configured key of those tenants that
     * is no longer in the configuration (keys created through the API, and the keys of tenants this configuration
     * does not name, are left alone: a node may serve some tenants only). A key revoked before stays revoked even
     * if it is configured again: a leaked key is not brought back by an old configuration. Returns the keys
     * revoked now.
     *
     * @param actor who is applying the configuration, for the audit entries (e.g. {@code node:<name>})
     */
    public List<KeyView> applyConfiguration(java.util.Map<String, List<ConfiguredKey>> byTenant, String actor) {
        return jdbc.inTransaction(c -> {
            List<byte[]> configured = new ArrayList<>();
            for (var entry : byTenant.entrySet()) {
                for (ConfiguredKey k : entry.getValue()) {
                    byte[] hash = hash(k.secret());
                    configured.add(hash);
                    try (PreparedStatement ps = c.prepareStatement("INSERT INTO api_key (id, tenant_id, key_hash,"
                            + " label, admin, roles, prefix, origin, created_by) VALUES (?, ?, ?, ?, ?, ?, ?,"
                            + " 'config', ?) ON CONFLICT (key_hash) DO UPDATE SET admin = excluded.admin,"
                            + " roles = excluded.roles, label = excluded.label, prefix = excluded.prefix")) {
                        ps.setObject(1, UUID.randomUUID());
                        ps.setString(2, entry.getKey());
                        ps.setBytes(3, hash);
                        ps.setString(4, k.label());
                        ps.setBoolean(5, k.roles().contains(KeyRole.ADMIN));
                        ps.setArray(6, roles(c, k.roles()));
                        ps.setString(7, prefixOf(k.secret()));
                        ps.setString(8, actor);
                        ps.executeUpdate();
                    }
                }
            }
            List<KeyView> revoked = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("UPDATE api_key SET revoked_at = now() WHERE origin ="
                    + " 'config' AND revoked_at IS NULL AND tenant_id = ANY (?) AND NOT (key_hash = ANY (?))"
                    + " RETURNING " + COLUMNS)) {
                ps.setArray(1, c.createArrayOf("text", byTenant.keySet().toArray()));
                ps.setArray(2, c.createArrayOf("bytea", configured.toArray(new byte[0][])));
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        revoked.add(view(rs));
                    }
                }
            }
            for (KeyView k : revoked) {
                audit(c, tenantOf(c, k.id()), actor, "key.revoked", k, "removed from the configuration");
            }
            return revoked;
        });
    }

    /**
     * Issues a new random key for the tenant, audited; the secret is not stored and cannot be shown again.
     *
     * @param expiresAt when it stops working, or null for never
     */
    public Issued issue(String tenantId, String actor, String label, Set<KeyRole> roles, Instant expiresAt) {
        return jdbc.inTransaction(c -> {
            Issued issued = insertIssued(c, tenantId, actor, label, roles, expiresAt, null);
            audit(c, tenantId, actor, "key.created", issued.key(), null);
            return issued;
        });
    }

    /**
     * Issues a successor of a live key with the same label and roles; the old key keeps working until
     * {@code oldKeyUntil} (the overlap window, never later than its own expiry) so callers can switch over.
     * Empty when the tenant has no live key with that id.
     */
    public Optional<Issued> rotate(String tenantId, String actor, UUID keyId, Instant oldKeyUntil,
                                   Instant newExpiresAt) {
        return jdbc.inTransaction(c -> {
            Optional<KeyView> old = find(c, tenantId, keyId);
            if (old.isEmpty() || old.get().revokedAt() != null
                    || (old.get().expiresAt() != null && !old.get().expiresAt().isAfter(Instant.now()))) {
                return Optional.<Issued>empty();
            }
            try (PreparedStatement ps = c.prepareStatement("UPDATE api_key SET expires_at = CASE WHEN expires_at IS"
                    + " NULL OR expires_at > ? THEN ? ELSE expires_at END WHERE id = ?")) {
                ps.setTimestamp(1, Timestamp.from(oldKeyUntil));
                ps.setTimestamp(2, Timestamp.from(oldKeyUntil));
                ps.setObject(3, keyId);
                ps.executeUpdate();
            }
            Issued issued = insertIssued(c, tenantId, actor, old.get().label(), old.get().roles(), newExpiresAt,
                    keyId);
            audit(c, tenantId, actor, "key.rotated", issued.key(), "replaces " + keyId + "; the old key works until "
                    + oldKeyUntil);
            return Optional.of(issued);
        });
    }

    /** Revokes a key of the tenant now, audited. Empty when there is no such key; the key as it is now otherwise. */
    public Optional<KeyView> revoke(String tenantId, String actor, UUID keyId) {
        return jdbc.inTransaction(c -> {
            try (PreparedStatement ps = c.prepareStatement("UPDATE api_key SET revoked_at = coalesce(revoked_at,"
                    + " now()) WHERE tenant_id = ? AND id = ? RETURNING " + COLUMNS)) {
                ps.setString(1, tenantId);
                ps.setObject(2, keyId);
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next()) {
                        return Optional.<KeyView>empty();
                    }
                    KeyView k = view(rs);
                    audit(c, tenantId, actor, "key.revoked", k, "revoked by an administrator");
                    return Optional.of(k);
                }
            }
        });
    }

    /** The tenant's keys, newest first, revoked and expired ones included. */
    public List<KeyView> list(String tenantId) {
        return jdbc.read(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS + " FROM api_key WHERE tenant_id = ?"
                    + " ORDER BY created_at DESC, id")) {
                ps.setString(1, tenantId);
                List<KeyView> keys = new ArrayList<>();
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        keys.add(view(rs));
                    }
                }
                return keys;
            }
        });
    }

    /** The caller a secret belongs to, if it is a live key (not revoked, not expired). */
    public Optional<Caller> authenticate(String secret) {
        if (secret == null || secret.length() > 200) {
            return Optional.empty();
        }
        return jdbc.read(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT id, tenant_id, roles, prefix, expires_at FROM"
                    + " api_key WHERE key_hash = ? AND revoked_at IS NULL AND (expires_at IS NULL OR expires_at >"
                    + " now())")) {
                ps.setBytes(1, hash(secret));
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next()) {
                        return Optional.<Caller>empty();
                    }
                    Timestamp expires = rs.getTimestamp(5);
                    return Optional.of(new Caller(rs.getString(2), rs.getObject(1, UUID.class), roles(rs.getArray(3)),
                            rs.getString(4), expires == null ? null : expires.toInstant()));
                }
            }
        });
    }

    private static final String COLUMNS = "id, prefix, label, roles, origin, created_at, created_by, expires_at,"
            + " revoked_at, rotated_from";

    private static KeyView view(ResultSet rs) throws SQLException {
        return new KeyView(rs.getObject(1, UUID.class), rs.getString(2), rs.getString(3), roles(rs.getArray(4)),
                rs.getString(5), instant(rs.getTimestamp(6)), rs.getString(7), instant(rs.getTimestamp(8)),
                instant(rs.getTimestamp(9)), rs.getObject(10, UUID.class));
    }

    private static Instant instant(Timestamp t) {
        return t == null ? null : t.toInstant();
    }

    private Issued insertIssued(Connection c, String tenantId, String actor, String label, Set<KeyRole> roles,
                                Instant expiresAt, UUID rotatedFrom) throws SQLException {
        StringBuilder prefix = new StringBuilder(PREFIX);
        for (int i = 0; i < 8; i++) {
            prefix.append(PREFIX_ALPHABET[RANDOM.nextInt(PREFIX_ALPHABET.length)]);
        }
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        String secret = prefix + "_" + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
        UUID id = UUID.randomUUID();
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO api_key (id, tenant_id, key_hash, label, admin,"
                + " roles, prefix, origin, created_by, expires_at, rotated_from) VALUES (?, ?, ?, ?, ?, ?, ?, 'api', ?,"
                + " ?, ?) RETURNING " + COLUMNS)) {
            ps.setObject(1, id);
            ps.setString(2, tenantId);
            ps.setBytes(3, hash(secret));
            ps.setString(4, label);
            ps.setBoolean(5, roles.contains(KeyRole.ADMIN));
            ps.setArray(6, roles(c, roles));
            ps.setString(7, prefix.toString());
            ps.setString(8, actor);
            ps.setTimestamp(9, expiresAt == null ? null : Timestamp.from(expiresAt));
            ps.setObject(10, rotatedFrom);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return new Issued(view(rs), secret);
            }
        }
    }

    private static Optional<KeyView> find(Connection c, String tenantId, UUID keyId) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS + " FROM api_key WHERE tenant_id = ? AND"
                + " id = ? FOR UPDATE")) {
            ps.setString(1, tenantId);
            ps.setObject(2, keyId);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(view(rs)) : Optional.empty();
            }
        }
    }

    private static String tenantOf(Connection c, UUID keyId) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT tenant_id FROM api_key WHERE id = ?")) {
            ps.setObject(1, keyId);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getString(1);
            }
        }
    }

    /** An audit entry for a key change: the key's id, prefix, label, roles and expiry; never its secret. */
    private static void audit(Connection c, String tenantId, String actor, String action, KeyView k, String reason)
            throws SQLException {
        ObjectNode d = Json.MAPPER.createObjectNode();
        d.put("keyId", k.id().toString());
        d.put("prefix", k.prefix());
        d.put("label", k.label());
        k.roles().stream().map(KeyRole::wireName).sorted().forEach(d.putArray("roles")::add);
        d.put("expiresAt", k.expiresAt() == null ? null : k.expiresAt().toString());
        if (reason != null) {
            d.put("reason", reason);
        }
        AuditLog.append(c, tenantId, actor, action, null, null, Json.canonical(d));
    }

    private static Array roles(Connection c, Set<KeyRole> roles) throws SQLException {
        return c.createArrayOf("text", roles.stream().map(KeyRole::wireName).sorted().toArray());
    }

    private static Set<KeyRole> roles(Array array) throws SQLException {
        Set<KeyRole> roles = EnumSet.noneOf(KeyRole.class);
        for (Object o : (Object[]) array.getArray()) {
            KeyRole.fromWire((String) o).ifPresent(roles::add);
        }
        return roles;
    }

    private static byte[] hash(String secret) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(secret.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }
}
