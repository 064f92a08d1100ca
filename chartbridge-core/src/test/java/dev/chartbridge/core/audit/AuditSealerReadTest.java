package dev.chartbridge.core.audit;

import dev.chartbridge.core.testing.PostgresExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The sealer's read of its next batch costs the batch, not the trail: with 20,000 entries sealed and ten pending, it
 * reads the ten by their key. Its first form, a join of the pending marks with the entries, was merged with the
 * entries' key index from the first entry ever written, so every sealed entry was read again at every batch (issue
 * #17: 35 to 54 ms a batch at 17,500 entries in {@code ./bench cost}).
 */
class AuditSealerReadTest {
    @RegisterExtension
    static PostgresExtension pg = new PostgresExtension();

    @Test
    void the_next_batch_is_read_by_key_without_reading_the_sealed_entries() {
        pg.execute("WITH e AS (INSERT INTO audit_entry (tenant_id, actor, action, detail) SELECT 'acme', 'gateway',"
                + " 'event.accepted', '{}' FROM generate_series(1, 20000) RETURNING id)"
                + " INSERT INTO audit_pending (entry_id) SELECT id FROM e");
        // The statistics still count every entry pending, as they do between two runs of autovacuum's analyze.
        pg.execute("ANALYZE audit_entry");
        pg.execute("ANALYZE audit_pending");
        pg.execute("DELETE FROM audit_pending WHERE entry_id <= (SELECT max(entry_id) - 10 FROM audit_pending)");
        String sql = AuditSealer.pendingSql(1000);
        pg.plan(sql); // the first read marks the deleted marks' index entries dead, as the sealer's next batch would

        String plan = pg.plan(sql);
        assertThat(plan).contains("Index Cond: (id = ANY").doesNotContain("Merge Join");
        Matcher read = Pattern.compile("Buffers: shared hit=(\\d+)").matcher(plan);
        assertThat(read.find()).as(plan).isTrue();
        assertThat(Integer.parseInt(read.group(1))).as("buffers read for ten entries: %s", plan).isLessThan(200);
        assertThat(pg.count("SELECT count(*) FROM (" + sql + ") batch")).isEqualTo(10);
    }
}
