package dev.chartbridge.core.audit;

import dev.chartbridge.core.store.Jdbc;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;

/**
 * Recomputes every tenant's chain from the stored entries and names each break: an entry whose content no longer
 * matches its seal (altered), a seal whose entry is gone (deleted), a missing or reordered seal (chain gap), and
 * an entry that was never sealed although nothing is pending for it. Thread-safe; reads only.
 */
public final class AuditVerifier {
    private final Jdbc jdbc;

    public AuditVerifier(Jdbc jdbc) {
        this.jdbc = jdbc;
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

    public Report verify() {
        return jdbc.read(c -> {
            List<Break> breaks = new ArrayList<>();
            long checked = 0;
            String sql = "SELECT s.tenant_id AS seal_tenant, s.seq, s.entry_id AS sealed_id, s.prev_hash, s.hash, "
                    + AuditEntry.COLUMNS + " FROM audit_seal s LEFT JOIN audit_entry e ON e.id = s.entry_id"
                    + " ORDER BY s.tenant_id, s.seq";
            try (PreparedStatement ps = c.prepareStatement(sql, ResultSet.TYPE_FORWARD_ONLY, ResultSet.CONCUR_READ_ONLY)) {
                ps.setFetchSize(1000);
                c.setAutoCommit(false);
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
                            AuditEntry e = AuditEntry.from(rs);
                            if (!ChainHash.of(rs.getString("prev_hash"), e).equals(rs.getString("hash"))
                                    || !e.tenantId().equals(t)) {
                                breaks.add(new Break(t, seq, sealedId, "entry " + sealedId + " was altered"));
                            }
                        }
                        previous = rs.getString("hash");
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
            return new Report(checked, List.copyOf(breaks));
        });
    }
}
