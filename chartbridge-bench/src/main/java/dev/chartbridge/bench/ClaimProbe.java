package dev.chartbridge.bench;

import dev.chartbridge.core.store.Jdbc;
import org.HdrHistogram.Histogram;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * Times the claim statement the delivery engine runs ({@code OperationStore.CLAIM_SQL}, copied verbatim: since #17
 * it also loads the claimed operations and their events) over JDBC,
 * each in its own transaction that is rolled back, so the queue is left as it was.
 */
final class ClaimProbe {
    static final String CLAIM_SQL = "WITH claimed AS (UPDATE outbox o"
            + " SET leased_until = now() + ? * interval '1 ms', lease_owner = ?, lease_token = gen_random_uuid()"
            + " FROM (SELECT operation_id FROM outbox WHERE queue = ? AND due_at <= now()"
            + "       AND (leased_until IS NULL OR leased_until <= now())"
            + "       ORDER BY due_at LIMIT ? FOR UPDATE SKIP LOCKED) due"
            + " WHERE o.operation_id = due.operation_id RETURNING o.operation_id, o.lease_token)"
            + " SELECT o.id, o.event_id, o.tenant_id, o.target, o.part,"
            + " o.resource_type, o.operation_key, o.state, o.sends, o.checks, o.remote_id, o.remote_version,"
            + " o.created_at, e.body::text, o.shadow, o.kind, o.record_key, ae.body::text, o.on_conflict,"
            + " o.waits, e.traceparent, o.compensation, claimed.lease_token FROM claimed"
            + " JOIN write_operation o ON o.id = claimed.operation_id JOIN clinical_event e ON e.id = o.event_id"
            + " LEFT JOIN write_operation a ON a.id = o.amends_operation_id"
            + " LEFT JOIN clinical_event ae ON ae.id = a.event_id";

    private ClaimProbe() {
    }

    /** Runs the claim {@code times} times (batch 32, as the engine does); latency in microseconds. */
    static Histogram measure(Jdbc jdbc, String queue, int times) {
        Histogram h = new Histogram(60_000_000L, 3);
        jdbc.read(c -> {
            c.setAutoCommit(false);
            try (PreparedStatement ps = c.prepareStatement(CLAIM_SQL)) {
                for (int i = 0; i < times; i++) {
                    long t0 = System.nanoTime();
                    ps.setLong(1, 60_000);
                    ps.setString(2, "probe");
                    ps.setString(3, queue);
                    ps.setInt(4, 32);
                    int rows = 0;
                    try (ResultSet rs = ps.executeQuery()) {
                        while (rs.next()) {
                            rows++;
                        }
                    }
                    c.rollback();
                    h.recordValue(Math.max(1, (System.nanoTime() - t0) / 1000));
                    if (rows == 0 && i == 0) {
                        System.out.println("claim probe: the first claim returned no rows");
                    }
                }
            } finally {
                c.rollback();
                c.setAutoCommit(true);
            }
            return null;
        });
        return h;
    }

    /** EXPLAIN (ANALYZE, BUFFERS) of one claim, rolled back. */
    static List<String> explain(Jdbc jdbc, String queue) {
        return jdbc.read(c -> {
            List<String> plan = new ArrayList<>();
            c.setAutoCommit(false);
            try (Statement s = c.createStatement();
                 ResultSet rs = s.executeQuery("EXPLAIN (ANALYZE, BUFFERS) " + CLAIM_SQL
                         .replaceFirst("\\?", "60000").replaceFirst("\\?", "'probe'")
                         .replaceFirst("\\?", "'" + queue + "'").replaceFirst("\\?", "32"))) {
                while (rs.next()) {
                    plan.add(rs.getString(1));
                }
            } finally {
                c.rollback();
                c.setAutoCommit(true);
            }
            return plan;
        });
    }
}
