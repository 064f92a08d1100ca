package dev.chartbridge.core.audit;

import dev.chartbridge.core.testing.PostgresExtension;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * One index on an audit entry's event (V72, issue #17) serves both kinds of read by event: the reads that leave
 * PHI reads out ({@link PhiReads#NOT_A_READ}: an event's timeline, the compensation checks) never touch an
 * event's thousand reads, and the export, which takes every entry, finds them through the same index.
 */
class AuditEventIndexTest {
    @RegisterExtension
    static PostgresExtension pg = new PostgresExtension();

    static final String READ_OFTEN = "00000000-0000-4000-8000-000000000001";

    @BeforeAll
    static void history() {
        // 20,000 events with three entries each; one of them read 1,000 times.
        pg.execute("INSERT INTO audit_entry (tenant_id, actor, action, event_id, detail) SELECT 'acme', 'gateway', a,"
                + " CASE WHEN g = 1 THEN '" + READ_OFTEN + "'::uuid ELSE gen_random_uuid() END, '{}'"
                + " FROM generate_series(1, 20000) g, unnest(ARRAY['event.accepted', 'operation.held',"
                + " 'operation.created']) a");
        pg.execute("INSERT INTO audit_entry (tenant_id, actor, action, event_id, detail) SELECT 'acme', 'user:x', '"
                + PhiReads.READ + "', '" + READ_OFTEN + "', '{}' FROM generate_series(1, 1000)");
        pg.execute("VACUUM ANALYZE audit_entry");
    }

    @Test
    void an_entry_is_written_into_one_index_on_its_event() {
        assertThat(pg.count("SELECT count(*) FROM pg_indexes WHERE tablename = 'audit_entry'"
                + " AND indexdef LIKE '%(event_id%'")).isEqualTo(1);
    }

    @Test
    void leaving_phi_reads_out_reads_none_of_them() {
        String plan = pg.plan("SELECT id FROM audit_entry WHERE event_id = '" + READ_OFTEN + "' AND "
                + PhiReads.NOT_A_READ + " ORDER BY id");
        // The condition is the index's (an index scan, or a bitmap of three rows): the reads are never fetched.
        assertThat(plan).contains("audit_entry_event_reads").contains("'phi.%'::text) = false))")
                .contains("rows=3.").doesNotContain("rows=1003").doesNotContain("Rows Removed by Filter");
    }

    @Test
    void every_entry_of_an_event_is_found_through_the_index() {
        String plan = pg.plan("SELECT id FROM audit_entry WHERE event_id = '" + READ_OFTEN + "'");
        assertThat(plan).contains("audit_entry_event_reads").contains("rows=1003");
    }
}
