package dev.chartbridge.core.delivery;

import dev.chartbridge.core.testing.PostgresExtension;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Claims keep the queue's indexes clean (issue #17, V71): a claim changes only the lease's columns, so PostgreSQL
 * updates the row in place (HOT) and no index gains an entry; the idle poll and the claim read the due index, not
 * the table, with 200,000 rows queued. The outbox here has no foreign key to its operations (this class's own
 * database), so the backlog is rows of the queue alone.
 */
class ClaimIndexTest {
    @RegisterExtension
    static PostgresExtension pg = new PostgresExtension();

    @BeforeAll
    static void backlog() {
        pg.execute("ALTER TABLE outbox DROP CONSTRAINT outbox_operation_id_fkey");
        pg.execute("INSERT INTO outbox (operation_id, queue, due_at) SELECT gen_random_uuid(), 'tenant/ehr-' || (i % 20),"
                + " now() + (i % 1000) * interval '1 minute' - interval '10 minutes' FROM generate_series(1, 200000) i");
        // A queue with a backlog due now, as a busy connection's (the claim's plan test): big enough that a tenth of
        // the due rows PostgreSQL expects in a queue is well over a claim's 32.
        pg.execute("INSERT INTO outbox (operation_id, queue, due_at) SELECT gen_random_uuid(), 'tenant/busy',"
                + " now() - interval '1 minute' FROM generate_series(1, 50000)");
        pg.execute("VACUUM ANALYZE outbox");
    }

    @Test
    void a_claim_is_a_heap_only_update_that_leaves_due_at_and_the_indexes_alone() {
        String claimed = pg.jdbc().inTransaction(c -> {
            String due = text(c, "SELECT due_at::text FROM outbox WHERE queue = 'tenant/ehr-3' AND due_at <= now()"
                    + " ORDER BY due_at LIMIT 1");
            // The claim's own row selection and SET list, without the join to operations this backlog lacks.
            try (PreparedStatement ps = c.prepareStatement(OperationStore.leaseSql(1))) {
                ps.setLong(1, 30_000);
                ps.setString(2, "node-a");
                ps.setString(3, "tenant/ehr-3");
                ps.executeQuery().close();
            }
            assertThat(text(c, "SELECT pg_stat_get_xact_tuples_hot_updated('outbox'::regclass)")).isEqualTo("1");
            return due;
        });
        assertThat(pg.text("SELECT due_at::text FROM outbox WHERE lease_token IS NOT NULL")).isEqualTo(claimed);
        assertThat(pg.count("SELECT count(*) FROM outbox WHERE leased_until > now()")).isEqualTo(1);
    }

    @Test
    void the_idle_poll_probes_the_due_index_once_per_queue() {
        String plan = explain(OperationStore.DUE_QUEUES_SQL.replace("?::text[]",
                "ARRAY['tenant/ehr-1', 'tenant/ehr-2', 'tenant/none']"));
        assertThat(plan).contains("outbox_queue_due").doesNotContain("Seq Scan on outbox");
    }

    @Test
    void the_claim_reads_the_due_index_in_order_and_stops_at_its_limit() {
        // The queue reaches the plan only through its sub-select, as in the plan PostgreSQL keeps for the statement.
        String plan = explain(OperationStore.dueSql(32).replace("?", "'tenant/ehr-5'"));
        assertThat(plan).contains("Limit").contains("outbox_queue_due").contains("InitPlan")
                .doesNotContain("Seq Scan").doesNotContain("Sort");
    }

    @Test
    void a_claim_is_planned_once_per_connection_and_size_not_at_every_call() {
        // On one connection, as the engine's pool keeps them, claiming from a queue with 50,000 writes due: pgjdbc
        // prepares a statement on the server from its fifth use, and PostgreSQL keeps a generic plan from the sixth
        // execution when it costs no more than the custom ones (pg_prepared_statements counts both).
        long[] written = plans(OperationStore.claimSql(32), null);
        assertThat(written[0]).as("generic plans of the claim").isGreaterThanOrEqualTo(5);
        assertThat(written[1]).as("custom plans of the claim: the first five only").isLessThanOrEqualTo(5);
        // The claim as it was, queue and limit bound: the plans made for this busy queue look cheaper than the one
        // PostgreSQL would keep, so it plans anew at every call (about 1 ms a call with 1M queued).
        long[] bound = plans(OperationStore.claimSql(32).replace("(SELECT ?::text)", "?").replace("LIMIT 32", "LIMIT ?"),
                32);
        assertThat(bound[0]).as("generic plans of the claim as it was").isZero();
        assertThat(bound[1]).as("custom plans of the claim as it was").isGreaterThanOrEqualTo(10);
    }

    /** Runs the claim 15 times on one connection, rolled back; its generic and custom plans there. */
    private static long[] plans(String sql, Integer boundLimit) {
        // A connection of its own: the statistics a transaction reads (the HOT test's) stay the pool's own.
        try (Connection c = pg.database().dedicatedConnection()) {
            c.setAutoCommit(false);
            try {
                for (int i = 0; i < 15; i++) {
                    try (PreparedStatement ps = c.prepareStatement(sql)) {
                        ps.setLong(1, 30_000);
                        ps.setString(2, "node-a");
                        ps.setString(3, "tenant/busy");
                        if (boundLimit != null) {
                            ps.setInt(4, boundLimit);
                        }
                        ps.executeQuery().close();
                    }
                    c.rollback();
                }
                try (PreparedStatement ps = c.prepareStatement("SELECT generic_plans, custom_plans"
                        + " FROM pg_prepared_statements WHERE statement = ?")) {
                    ps.setString(1, numbered(sql));
                    try (ResultSet rs = ps.executeQuery()) {
                        assertThat(rs.next()).as("the claim prepared on the server").isTrue();
                        return new long[] {rs.getLong(1), rs.getLong(2)};
                    }
                }
            } finally {
                c.rollback();
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The statement as pgjdbc sends it: its {@code ?} numbered {@code $1, $2, ...}. */
    private static String numbered(String sql) {
        StringBuilder out = new StringBuilder();
        int n = 0;
        for (char ch : sql.toCharArray()) {
            out.append(ch == '?' ? "$" + (++n) : String.valueOf(ch));
        }
        return out.toString();
    }

    private static String explain(String sql) {
        return pg.jdbc().read(c -> {
            List<String> lines = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("EXPLAIN " + sql); ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    lines.add(rs.getString(1));
                }
            }
            return String.join("\n", lines);
        });
    }

    private static String text(Connection c, String sql) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql); ResultSet rs = ps.executeQuery()) {
            rs.next();
            return rs.getString(1);
        }
    }
}
