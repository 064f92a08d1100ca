package dev.chartbridge.core.audit;

import dev.chartbridge.core.store.Jdbc;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Links pending audit entries into their tenant's hash chain, each link an HMAC under the chain key
 * ({@link AuditKeys}), so a chain cannot be recomputed without the key. Any number of nodes may run it: a transaction-level
 * advisory lock lets one seal at a time, so each chain grows by one writer in a stable order (entry id within a
 * batch; an entry whose transaction committed late is simply sealed in a later batch). Thread-safe.
 */
public final class AuditSealer {
    private static final long LOCK_KEY = 0x43_42_41_55_44_49_54L; // "CBAUDIT"

    private final Jdbc jdbc;
    private final int batchSize;
    private final AuditKeys keys;

    public AuditSealer(Jdbc jdbc, int batchSize, AuditKeys keys) {
        this.jdbc = jdbc;
        this.batchSize = batchSize;
        this.keys = keys;
    }

    /** Seals one batch; returns how many entries it linked (0 when nothing was pending or another node holds the lock). */
    public int sealBatch() {
        return jdbc.inTransaction(c -> {
            try (PreparedStatement lock = c.prepareStatement("SELECT pg_try_advisory_xact_lock(?)")) {
                lock.setLong(1, LOCK_KEY);
                try (ResultSet rs = lock.executeQuery()) {
                    rs.next();
                    if (!rs.getBoolean(1)) {
                        return 0;
                    }
                }
            }
            List<AuditEntry> entries = pending(c);
            if (entries.isEmpty()) {
                return 0;
            }
            Map<String, ChainHead> heads = new HashMap<>();
            int n = entries.size();
            String[] tenants = new String[n];
            Long[] seqs = new Long[n];
            Long[] ids = new Long[n];
            String[] previous = new String[n];
            String[] hashes = new String[n];
            for (int i = 0; i < n; i++) {
                AuditEntry e = entries.get(i);
                ChainHead head = heads.computeIfAbsent(e.tenantId(), t -> headOf(c, t));
                String hash = ChainHash.keyed(keys, head.hash, e);
                tenants[i] = e.tenantId();
                seqs[i] = head.seq + 1;
                ids[i] = e.id();
                previous[i] = head.hash;
                hashes[i] = hash;
                heads.put(e.tenantId(), new ChainHead(head.seq + 1, hash));
            }
            // The links and the pending marks' removal in one statement (issue #17: one INSERT per entry before).
            try (PreparedStatement seal = c.prepareStatement("WITH sealed AS (INSERT INTO audit_seal (tenant_id, seq,"
                    + " entry_id, prev_hash, hash) SELECT * FROM unnest(?::text[], ?::bigint[], ?::bigint[], ?::text[],"
                    + " ?::text[])) DELETE FROM audit_pending WHERE entry_id = ANY (?)")) {
                seal.setArray(1, c.createArrayOf("text", tenants));
                seal.setArray(2, c.createArrayOf("bigint", seqs));
                seal.setArray(3, c.createArrayOf("bigint", ids));
                seal.setArray(4, c.createArrayOf("text", previous));
                seal.setArray(5, c.createArrayOf("text", hashes));
                seal.setArray(6, c.createArrayOf("bigint", ids));
                seal.executeUpdate();
            }
            return entries.size();
        });
    }

    /** Seals until nothing is pending. */
    public void sealAll() {
        while (sealBatch() > 0) {
            Thread.onSpinWait();
        }
    }

    /**
     * The read of the next batch of {@code batchSize} pending entries, oldest first: their ids from the pending marks
     * (an index scan of {@code audit_pending} that stops at the batch), then the entries by their key. Written as a
     * join of the two tables, it let PostgreSQL merge the marks with {@code audit_entry}'s key index read from the
     * first entry ever written: every sealed entry was read again at every batch (17,500 entries, 35 to 54 ms a
     * batch in {@code ./bench cost}, and growing with the trail; issue #17). The batch size is written in: no plan is
     * made for a guess at it.
     */
    static String pendingSql(int batchSize) {
        return "SELECT " + AuditEntry.COLUMNS + " FROM audit_entry e WHERE e.id = ANY (ARRAY(SELECT entry_id"
                + " FROM audit_pending ORDER BY entry_id LIMIT " + batchSize + ")) ORDER BY e.id";
    }

    private List<AuditEntry> pending(Connection c) throws SQLException {
        List<AuditEntry> entries = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(pendingSql(batchSize))) {
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    entries.add(AuditEntry.from(rs));
                }
            }
        }
        return entries;
    }

    private static ChainHead headOf(Connection c, String tenantId) {
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT seq, hash FROM audit_seal WHERE tenant_id = ? ORDER BY seq DESC LIMIT 1")) {
            ps.setString(1, tenantId);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? new ChainHead(rs.getLong(1), rs.getString(2)) : new ChainHead(0, ChainHash.GENESIS);
            }
        } catch (SQLException e) {
            throw new dev.chartbridge.core.store.StoreException(e);
        }
    }

    private record ChainHead(long seq, String hash) {
    }
}
