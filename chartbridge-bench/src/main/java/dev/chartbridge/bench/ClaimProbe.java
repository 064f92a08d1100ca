package dev.chartbridge.bench;

import dev.chartbridge.core.delivery.DeliveryEngine;
import dev.chartbridge.core.store.Jdbc;
import org.HdrHistogram.Histogram;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Times the claim statement the delivery engine runs ({@link DeliveryEngine#claimSql}: since #17 it also loads the
 * claimed operations and their events) over JDBC,
 * each in its own transaction that is rolled back, so the queue is left as it was.
 */
final class ClaimProbe {
    private static final String CLAIM_SQL = DeliveryEngine.claimSql(32);

    private ClaimProbe() {
    }

    /**
     * Runs the claim {@code times} times (batch 32, as the engine does), or until {@code limit} has passed;
     * latency in microseconds. {@code aside}: the probe and its backend run on the EHR's CPU ({@link Pinning#aside}).
     */
    static Histogram measure(Jdbc jdbc, String queue, int times, boolean aside, Duration limit) {
        Histogram h = new Histogram(60_000_000L, 3);
        long end = System.nanoTime() + limit.toNanos();
        jdbc.read(c -> {
            c.setAutoCommit(false);
            try (Pinning.Aside a = aside ? Pinning.aside(c) : () -> { };
                 PreparedStatement ps = c.prepareStatement(CLAIM_SQL)) {
                for (int i = 0; i < times && System.nanoTime() < end; i++) {
                    long t0 = System.nanoTime();
                    ps.setLong(1, 60_000);
                    ps.setString(2, "probe");
                    ps.setString(3, queue);
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

    /**
     * Runs the claim {@code times} times as the engine runs it on a queue it drains: in autocommit (so the time
     * includes its commit), each claim taking the next 32 due rows, which are then (untimed) sent to the back of
     * the queue, as a delivered write leaves its head (a delete, in the engine) and keeps the backlog's size. Unlike
     * {@link #measure}, no claim meets the versions that earlier claims left on the same rows. Latency in
     * microseconds.
     */
    static Histogram measureAdvancing(Jdbc jdbc, String queue, int times, boolean aside) {
        Histogram h = new Histogram(60_000_000L, 3);
        jdbc.read(c -> {
            try (Pinning.Aside a = aside ? Pinning.aside(c) : () -> { };
                 PreparedStatement claim = c.prepareStatement(CLAIM_SQL);
                 PreparedStatement release = c.prepareStatement("UPDATE outbox SET due_at = now(),"
                         + " leased_until = NULL, lease_owner = NULL, lease_token = NULL"
                         + " WHERE operation_id = ANY (?) AND lease_token = ANY (?)")) {
                for (int i = 0; i < times; i++) {
                    List<Object> ids = new ArrayList<>();
                    List<Object> tokens = new ArrayList<>();
                    long t0 = System.nanoTime();
                    claim.setLong(1, 60_000);
                    claim.setString(2, "probe");
                    claim.setString(3, queue);
                    try (ResultSet rs = claim.executeQuery()) {
                        int columns = rs.getMetaData().getColumnCount();
                        while (rs.next()) {
                            ids.add(rs.getObject(1));
                            tokens.add(rs.getObject(columns));
                        }
                    }
                    h.recordValue(Math.max(1, (System.nanoTime() - t0) / 1000));
                    release.setArray(1, c.createArrayOf("uuid", ids.toArray()));
                    release.setArray(2, c.createArrayOf("uuid", tokens.toArray()));
                    release.executeUpdate();
                }
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
                         .replaceFirst("\\?", "'" + queue + "'"))) {
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
