package dev.chartbridge.core.audit;

import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Types;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Appends audit entries inside the caller's transaction, so an entry exists exactly when the change it records
 * does. Entries are linked into the tamper-evident chain moments later by {@link AuditSealer}. Each entry is
 * signed with the audit key of its database ({@link #signEntries}), so that a row a database writer inserts
 * without the key is named by {@link AuditVerifier}. Thread-safe.
 */
public final class AuditLog {
    private static final SecureRandom RANDOM = new SecureRandom();
    /**
     * The audit keys per database (its JDBC URL), registered by the node that opened it. Keyed by database, not
     * global, because one JVM may run nodes of several databases (tests, the demo), each under its own master key;
     * the call sites that append (intake, delivery, review, webhooks) need not carry the key.
     */
    private static final Map<String, AuditKeys> KEYS = new ConcurrentHashMap<>();

    private AuditLog() {
    }

    /** From now on, entries appended on connections to {@code jdbcUrl} are signed with {@code keys}. */
    public static void signEntries(String jdbcUrl, AuditKeys keys) {
        KEYS.put(jdbcUrl, keys);
    }

    /**
     * @param actor  who did it: {@code apikey:<id>}, {@code node:<name>}, {@code user:<id>}
     * @param action a stable dotted name, e.g. {@code event.accepted}, {@code operation.send}
     * @param detail a JSON object with the decision's facts; ids and codes, not clinical content
     */
    public static void append(Connection c, String tenantId, String actor, String action, UUID eventId,
                              UUID operationId, String detail) throws SQLException {
        AuditKeys keys = KEYS.get(c.getMetaData().getURL());
        String mac = null;
        if (keys != null) {
            byte[] nonce = new byte[16];
            RANDOM.nextBytes(nonce);
            mac = ChainHash.entryMac(keys, nonce, tenantId, actor, action, eventId, operationId, detail);
        }
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO audit_entry (tenant_id, actor, action, event_id,"
                + " operation_id, detail, mac) VALUES (?, ?, ?, ?, ?, ?, ?)")) {
            ps.setString(1, tenantId);
            ps.setString(2, actor);
            ps.setString(3, action);
            ps.setObject(4, eventId, Types.OTHER);
            ps.setObject(5, operationId, Types.OTHER);
            ps.setString(6, detail);
            ps.setString(7, mac);
            ps.executeUpdate();
        }
    }
}
