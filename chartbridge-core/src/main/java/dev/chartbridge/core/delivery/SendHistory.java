package dev.chartbridge.core.delivery;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Set;
import java.util.UUID;

/**
 * What the attempt ledger says about whether an operation's sends may have reached the EHR, for the decisions
 * that must never resend blindly (a reviewer's retry) or compensate a write that may exist (fan-out
 * compensation). Stateless; runs in the caller's transaction.
 */
public final class SendHistory {
    /**
     * Outcomes of a send (or of the step before one) that mean the EHR did not take the write; {@code blocked}: a
     * Provenance held back because a write it describes is not in the EHR, nothing sent; {@code deferred} and
     * {@code deferred-expired}: the write did not leave the gateway (its own call budget, a token, a lookup);
     * {@code needs-review}: not sent because the patient or encounter was ambiguous.
     */
    static final Set<String> CLEAR_REFUSALS = Set.of("retryable", "dead", "conflict", "rejected",
            "unprocessable", "blocked", "deferred", "deferred-expired", "needs-review");

    private SendHistory() {
    }

    /** True unless the last send was clearly refused, or nothing was ever sent. */
    public static boolean lastSendMayHaveLanded(Connection c, UUID operationId) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT outcome FROM delivery_attempt WHERE operation_id = ?"
                + " AND step IN ('SEND', 'RECOVER') ORDER BY id DESC LIMIT 1")) {
            ps.setObject(1, operationId);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() && !CLEAR_REFUSALS.contains(rs.getString(1));
            }
        }
    }

    /** True when any send of the operation (or a send recovered after a lost lease) may have reached the EHR. */
    public static boolean anySendMayHaveLanded(Connection c, UUID operationId) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM delivery_attempt WHERE operation_id = ?"
                + " AND step IN ('SEND', 'RECOVER') AND NOT (outcome = ANY (?)) LIMIT 1")) {
            ps.setObject(1, operationId);
            ps.setArray(2, c.createArrayOf("text", CLEAR_REFUSALS.toArray()));
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        }
    }
}
