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
 * Recomputes every tenant's chain from the stored entries with the chain key and names each break: an entry whose
 * content no longer matches its seal (altered), a seal whose entry is gone (deleted), a missing or reordered seal
 * (chain gap), an entry that was never sealed although nothing is pending for it, an entry the gateway did not
 * sign (forged insert), and, given the checkpoints written outside the database, a chain that no longer reaches
 * or matches a checkpoint (cut tail, deleted chain, recomputed chain). Entries up to the chain epoch (written
 * before keyed chains) are verified by the unkeyed hash and need no signature. Thread-safe; reads only.
 */
public final class AuditVerifier {
    private final Jdbc jdbc;
    private final AuditKeys keys;

    public AuditVerifier(Jdbc jdbc, AuditKeys keys) {
        this.jdbc = jdbc;
        this.keys = keys;
    }

    /** One break in a chain. */
    public record Break(String tenantId, long seq, Long entryId, String problem) {
    }

    /** The result of a verification: how many entries were checked and every break found, first first. */
    public record Report(long entriesChecked, List<Break> breaks) {
        public boolean intact() {
            return breaks.isEmpty();
        }
    }

    /** Verifies the chains in the database alone. */
    public Report verify() {
        return verify(List.of());
    }

    /** Verifies the chains, and that each checkpoint (signed, written outside the database) still matches. */
    public Report verify(List<AuditCheckpoint> checkpoints) {
        Map<String, Map<Long, String>> anchored = new HashMap<>();
        List<Break> breaks = new ArrayList<>();
        for (AuditCheckpoint cp : checkpoints) {
            if (!cp.signatureValid()) {
                breaks.add(new Break(cp.tenantId(), cp.seq(), null, "checkpoint line " + cp.line()
                        + " does not carry a valid signature"));
            } else {
                anchored.computeIfAbsent(cp.tenantId(), t -> new HashMap<>()).put(cp.seq(), null);
            }
        }
        Map<String, Long> lastSeq = new HashMap<>();
        long checked = jdbc.read(c -> scan(c, anchored, lastSeq, breaks));
        for (AuditCheckpoint cp : checkpoints) {
            if (cp.signatureValid()) {
                checkAgainst(cp, anchored.get(cp.tenantId()).get(cp.seq()), lastSeq.get(cp.tenantId()), breaks);
            }
        }
        return new Report(checked, List.copyOf(breaks));
    }

    private static void checkAgainst(AuditCheckpoint cp, String hash, Long last, List<Break> breaks) {
        String at = " (checkpoint of " + cp.at() + ", line " + cp.line() + ")";
        if (last == null) {
            breaks.add(new Break(cp.tenantId(), cp.seq(), null, "chain deleted: no seal left of a chain that reached"
                    + " seq " + cp.seq() + at));
        } else if (hash == null) {
            breaks.add(new Break(cp.tenantId(), cp.seq(), null, "tail cut: the chain ends at seq " + last
                    + " but reached seq " + cp.seq() + at));
        } else if (!hash.equals(cp.hash())) {
            breaks.add(new Break(cp.tenantId(), cp.seq(), null, "chain recomputed: seq " + cp.seq()
                    + " no longer has the hash it had" + at));
        }
    }

    private long scan(Connection c, Map<String, Map<Long, String>> anchored, Map<String, Long> lastSeq,
                      List<Break> breaks) throws SQLException {
        long epoch = epoch(c);
        long checked = 0;
        String sql = "SELECT s.tenant_id AS seal_tenant, s.seq, s.entry_id AS sealed_id, s.prev_hash, s.hash, e.mac, "
                + AuditEntry.COLUMNS + " FROM audit_seal s LEFT JOIN audit_entry e ON e.id = s.entry_id"
                + " ORDER BY s.tenant_id, s.seq";
        c.setAutoCommit(false); // a cursor: the chain is streamed, not held in memory
        try (PreparedStatement ps = c.prepareStatement(sql, ResultSet.TYPE_FORWARD_ONLY, ResultSet.CONCUR_READ_ONLY)) {
            ps.setFetchSize(1000);
            try (ResultSet rs = ps.executeQuery()) {
                String tenant = null;
                long expectedSeq = 1;
                String previous = ChainHash.GENESIS;
                while (rs.next()) {
                    String t = rs.getString("seal_tenant");
                    if (!t.equals(tenant)) {
                        tenant = t;
                        expectedSeq = 1;
                        previous = ChainHash.GENESIS;
                    }
                    long seq = rs.getLong("seq");
                    long sealedId = rs.getLong("sealed_id");
                    String hash = rs.getString("hash");
                    lastSeq.put(t, seq);
                    Map<Long, String> anchors = anchored.get(t);
                    if (anchors != null && anchors.containsKey(seq)) {
                        anchors.put(seq, hash);
                    }
                    if (seq != expectedSeq) {
                        breaks.add(new Break(t, seq, sealedId, "chain gap: expected seq " + expectedSeq));
                    }
                    if (!rs.getString("prev_hash").equals(previous)) {
                        breaks.add(new Break(t, seq, sealedId, "seal does not link to the previous seal"));
                    }
                    rs.getLong("id");
                    if (rs.wasNull()) {
                        breaks.add(new Break(t, seq, sealedId, "entry " + sealedId + " was deleted"));
                    } else {
                        checked++;
                        check(AuditEntry.from(rs), rs.getString("mac"), t, seq, rs.getString("prev_hash"), hash, epoch,
                                breaks);
                    }
                    previous = hash;
                    expectedSeq = seq + 1;
                }
            }
            c.commit();
        } finally {
            c.setAutoCommit(true);
        }
        try (PreparedStatement ps = c.prepareStatement("SELECT e.id, e.tenant_id FROM audit_entry e"
                + " WHERE NOT EXISTS (SELECT 1 FROM audit_seal s WHERE s.entry_id = e.id)"
                + " AND NOT EXISTS (SELECT 1 FROM audit_pending p WHERE p.entry_id = e.id) ORDER BY e.id");
             ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                breaks.add(new Break(rs.getString(2), 0, rs.getLong(1),
                        "entry " + rs.getLong(1) + " is neither sealed nor pending"));
            }
        }
        return checked;
    }

    /** An entry against its seal: content, the gateway's signature (after the epoch), and tenant. */
    private void check(AuditEntry e, String mac, String tenant, long seq, String prevHash, String hash, long epoch,
                       List<Break> breaks) {
        boolean legacy = e.id() <= epoch;
        boolean matches = ChainHash.keyed(keys, prevHash, e).equals(hash)
                || legacy && ChainHash.unkeyed(prevHash, e).equals(hash);
        if (!matches || !e.tenantId().equals(tenant)) {
            breaks.add(new Break(tenant, seq, e.id(), "entry " + e.id() + " was altered"));
        } else if (!legacy && !ChainHash.entryMacValid(keys, mac, e)) {
            breaks.add(new Break(tenant, seq, e.id(), "entry " + e.id()
                    + " was not written by the gateway (no valid signature: a forged insert)"));
        }
    }

    private static long epoch(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT coalesce(max(keyed_from), 0) FROM audit_chain_epoch");
             ResultSet rs = ps.executeQuery()) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
