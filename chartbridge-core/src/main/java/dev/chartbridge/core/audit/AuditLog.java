package dev.chartbridge.core.audit;

import dev.chartbridge.core.common.RandomIds;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Appends audit entries inside the caller's transaction, so an entry exists exactly when the change it records
 * does. Entries are linked into the tamper-evident chain moments later by {@link AuditSealer}. Each entry is
 * signed with the audit key of its database ({@link #signEntries}), so that a row a database writer inserts
 * without the key is named by {@link AuditVerifier}.
 *
 * <p>The one writer of {@code audit_entry}: every entry is written with its {@code audit_pending} mark in the
 * same statement (a data-modifying CTE), which is what tells the sealer to link it. The mark was a trigger's
 * until issue #17 (a plpgsql call per entry, on the hot path of every intake); an entry inserted by anyone else
 * without its mark is neither sealed nor pending, and the verifier names it. Thread-safe.
 */
public final class AuditLog {
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
        Entries one = new Entries();
        one.add(tenantId, actor, action, eventId, operationId, detail);
        one.append(c);
    }

    /**
     * Entries written together by one statement, in the order added (their ids, hence their places in the chain,
     * follow that order). Not thread-safe: built and written by one caller.
     */
    public static final class Entries {
        private final List<String> tenants = new ArrayList<>();
        private final List<String> actors = new ArrayList<>();
        private final List<String> actions = new ArrayList<>();
        private final List<UUID> events = new ArrayList<>();
        private final List<UUID> operations = new ArrayList<>();
        private final List<String> details = new ArrayList<>();
        private final List<String> macs = new ArrayList<>();
        private final List<byte[]> nonces = new ArrayList<>();

        /** As {@link AuditLog#append}'s parameters. */
        public Entries add(String tenantId, String actor, String action, UUID eventId, UUID operationId,
                           String detail) {
            tenants.add(tenantId);
            actors.add(actor);
            actions.add(action);
            events.add(eventId);
            operations.add(operationId);
            details.add(detail);
            byte[] nonce = new byte[16];
            RandomIds.nextBytes(nonce);
            nonces.add(nonce);
            return this;
        }

        public boolean isEmpty() {
            return tenants.isEmpty();
        }

        /** Writes the entries, each with its pending mark, in one statement. */
        public void append(Connection c) throws SQLException {
            if (isEmpty()) {
                return;
            }
            try (PreparedStatement ps = c.prepareStatement("WITH " + entries("entry", "true")
                    + " INSERT INTO audit_pending (entry_id) SELECT id FROM entry")) {
                bind(c, ps, 1);
                ps.executeUpdate();
            }
        }

        /**
         * The parts of a larger statement that write these entries (see {@link #cte}); binds their parameters from
         * {@code index} and returns the next free index.
         */
        public int bind(Connection c, PreparedStatement ps, int index) throws SQLException {
            // Signed here, where the connection names the database whose key applies.
            AuditKeys keys = KEYS.get(c.getMetaData().getURL());
            macs.clear();
            for (int i = 0; i < tenants.size(); i++) {
                macs.add(keys == null ? null : ChainHash.entryMac(keys, nonces.get(i), tenants.get(i),
                        actors.get(i), actions.get(i), events.get(i), operations.get(i), details.get(i)));
            }
            ps.setArray(index++, c.createArrayOf("text", tenants.toArray()));
            ps.setArray(index++, c.createArrayOf("text", actors.toArray()));
            ps.setArray(index++, c.createArrayOf("text", actions.toArray()));
            ps.setArray(index++, c.createArrayOf("uuid", events.toArray()));
            ps.setArray(index++, c.createArrayOf("uuid", operations.toArray()));
            ps.setArray(index++, c.createArrayOf("text", details.toArray()));
            ps.setArray(index++, c.createArrayOf("text", macs.toArray()));
            return index;
        }
    }

    /**
     * The common table expressions that insert a batch of entries ({@link Entries#bind}, seven parameters) and their
     * pending marks, for a statement that writes other rows too: {@code name} inserts the entries when
     * {@code condition} (SQL, may name earlier CTEs) holds, returning their ids; {@code name_pending} their marks.
     */
    public static String cte(String name, String condition) {
        return entries(name, condition) + ", " + name + "_pending AS (INSERT INTO audit_pending (entry_id)"
                + " SELECT id FROM " + name + ")";
    }

    private static String entries(String name, String condition) {
        return name + " AS (INSERT INTO audit_entry (tenant_id, actor, action, event_id, operation_id, detail, mac)"
                + " SELECT u.tenant_id, u.actor, u.action, u.event_id, u.operation_id, u.detail, u.mac"
                + " FROM unnest(?::text[], ?::text[], ?::text[], ?::uuid[], ?::uuid[], ?::text[], ?::text[])"
                + " WITH ORDINALITY AS u(tenant_id, actor, action, event_id, operation_id, detail, mac, n)"
                + " WHERE " + condition + " ORDER BY u.n RETURNING id)";
    }
}
