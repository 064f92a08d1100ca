package dev.chartbridge.core.tenant;

import dev.chartbridge.core.store.Jdbc;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.Base64;
import java.util.Optional;
import java.util.UUID;

/**
 * Tenants and their API keys. A key is 32 random bytes shown once to whoever creates it; only its SHA-256 is
 * stored (a slow password hash buys nothing for a key with 256 bits of entropy). Thread-safe.
 */
public final class ApiKeys {
    private static final String PREFIX = "cbk_";
    private static final SecureRandom RANDOM = new SecureRandom();

    private final Jdbc jdbc;

    public ApiKeys(Jdbc jdbc) {
        this.jdbc = jdbc;
    }

    /**
     * Who a request acts for: the tenant and the key used.
     *
     * @param admin the key is an administrator's: it may change release controls and read the break-glass report
     */
    public record Caller(String tenantId, UUID keyId, boolean admin) {
        /** The actor name recorded in audit entries. */
        public String actor() {
            return "apikey:" + keyId;
        }
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

    /** Issues a new random key for the tenant and returns the secret, which is not stored and cannot be shown again. */
    public String issue(String tenantId, String label) {
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        String secret = PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
        register(tenantId, label, secret);
        return secret;
    }

    /** Registers a secret chosen elsewhere (e.g. read from the environment by configuration); idempotent. */
    public void register(String tenantId, String label, String secret) {
        register(tenantId, label, secret, false);
    }

    /** Registers a secret; {@code admin} as configured now (a key's admin flag follows its configuration). */
    public void register(String tenantId, String label, String secret, boolean admin) {
        jdbc.inTransaction(c -> {
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO api_key (id, tenant_id, key_hash, label, admin)"
                    + " VALUES (?, ?, ?, ?, ?) ON CONFLICT (key_hash) DO UPDATE SET admin = excluded.admin")) {
                ps.setObject(1, UUID.randomUUID());
                ps.setString(2, tenantId);
                ps.setBytes(3, hash(secret));
                ps.setString(4, label);
                ps.setBoolean(5, admin);
                return ps.executeUpdate();
            }
        });
    }

    /** The caller a secret belongs to, if it is a live key. */
    public Optional<Caller> authenticate(String secret) {
        if (secret == null || secret.length() > 200) {
            return Optional.empty();
        }
        return jdbc.read(c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT id, tenant_id, admin FROM api_key WHERE key_hash = ? AND revoked_at IS NULL")) {
                ps.setBytes(1, hash(secret));
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? Optional.of(new Caller(rs.getString(2), rs.getObject(1, UUID.class),
                            rs.getBoolean(3)))
                            : Optional.empty();
                }
            }
        });
    }

    private static byte[] hash(String secret) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(secret.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }
}
