package dev.chartbridge.core.audit;

import dev.chartbridge.core.store.Jdbc;
import dev.chartbridge.core.store.StoreException;
import dev.chartbridge.core.testing.PostgresExtension;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class AuditChainTest {
    @RegisterExtension
    static PostgresExtension pg = new PostgresExtension();

    static final AuditKeys KEYS = AuditKeys.derive(new byte[32]);

    private Jdbc jdbc;

    @BeforeEach
    void clean() {
        jdbc = pg.jdbc();
        AuditLog.signEntries(pg.url(), KEYS);
        pg.execute("SET session_replication_role = replica; TRUNCATE audit_entry, audit_seal, audit_pending;"
                + " SET session_replication_role = origin");
    }

    private void append(String tenant, String action) {
        jdbc.inTransaction(c -> {
            AuditLog.append(c, tenant, "test", action, UUID.randomUUID(), null, "{\"n\":1}");
            return null;
        });
    }

    @Test
    void sealed_chains_verify_per_tenant() {
        for (int i = 0; i < 5; i++) {
            append("acme", "event.accepted");
            append("beta", "event.accepted");
        }
        new AuditSealer(jdbc, 3, KEYS).sealAll();

        AuditVerifier.Report report = new AuditVerifier(jdbc, KEYS).verify();
        assertThat(report.breaks()).isEmpty();
        assertThat(report.entriesChecked()).isEqualTo(10);
        assertThat(pg.count("SELECT max(seq) FROM audit_seal WHERE tenant_id = 'acme'")).isEqualTo(5);
        assertThat(pg.count("SELECT count(*) FROM audit_pending")).isZero();
    }

    @Test
    void the_database_refuses_update_and_delete_of_audit_rows() {
        append("acme", "event.accepted");
        new AuditSealer(jdbc, 10, KEYS).sealAll();
        assertThatThrownBy(() -> pg.execute("UPDATE audit_entry SET action = 'x'"))
                .isInstanceOf(StoreException.class).hasMessageContaining("append-only");
        assertThatThrownBy(() -> pg.execute("DELETE FROM audit_seal"))
                .isInstanceOf(StoreException.class).hasMessageContaining("append-only");
        assertThatThrownBy(() -> pg.execute("TRUNCATE audit_entry"))
                .isInstanceOf(StoreException.class).hasMessageContaining("append-only");
    }

    @Test
    void verify_names_an_altered_entry_and_a_deleted_one() {
        for (int i = 0; i < 6; i++) {
            append("acme", "operation.created");
        }
        new AuditSealer(jdbc, 100, KEYS).sealAll();
        long altered = pg.count("SELECT min(id) + 1 FROM audit_entry");
        long deleted = pg.count("SELECT min(id) + 3 FROM audit_entry");
        // A superuser can bypass the triggers; the chain must still show what was done.
        pg.execute("SET session_replication_role = replica;"
                + " UPDATE audit_entry SET detail = '{\"n\":2}' WHERE id = " + altered + ";"
                + " DELETE FROM audit_entry WHERE id = " + deleted + ";"
                + " SET session_replication_role = origin");

        AuditVerifier.Report report = new AuditVerifier(jdbc, KEYS).verify();
        assertThat(report.intact()).isFalse();
        assertThat(report.breaks()).extracting(AuditVerifier.Break::entryId).containsExactly(altered, deleted);
        assertThat(report.breaks()).extracting(AuditVerifier.Break::problem)
                .containsExactly("entry " + altered + " was altered", "entry " + deleted + " was deleted");
    }

    @Test
    void a_rolled_back_transaction_leaves_no_entry_and_no_gap_in_the_chain() {
        append("acme", "a");
        try {
            jdbc.inTransaction(c -> {
                AuditLog.append(c, "acme", "test", "b", null, null, "{}");
                throw new IllegalStateException("business change failed");
            });
        } catch (IllegalStateException expected) {
            // the entry must vanish with the change it recorded
        }
        append("acme", "c");
        new AuditSealer(jdbc, 100, KEYS).sealAll();
        assertThat(pg.count("SELECT count(*) FROM audit_entry")).isEqualTo(2);
        assertThat(new AuditVerifier(jdbc, KEYS).verify().breaks()).isEmpty();
    }
}
