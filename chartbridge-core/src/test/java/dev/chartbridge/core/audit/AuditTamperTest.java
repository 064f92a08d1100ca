package dev.chartbridge.core.audit;

import dev.chartbridge.core.store.Jdbc;
import dev.chartbridge.core.testing.PostgresExtension;
import dev.chartbridge.core.testing.TestClock;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue #15, item 6: what a database writer (here the superuser, who can bypass the append-only triggers) does to
 * the audit trail is named by the verifier with the key and the checkpoints written outside the database.
 */
class AuditTamperTest {
    @RegisterExtension
    static PostgresExtension pg = new PostgresExtension();

    private static final AuditKeys KEYS = AuditKeys.derive(new byte[32]);

    @TempDir
    Path checkpointDir;

    private Jdbc jdbc;
    private AuditCheckpoints checkpoints;

    @BeforeEach
    void clean() {
        jdbc = pg.jdbc();
        AuditLog.signEntries(pg.url(), KEYS);
        pg.execute("SET session_replication_role = replica; TRUNCATE audit_entry, audit_seal, audit_pending;"
                + " SET session_replication_role = origin");
        checkpoints = new AuditCheckpoints(jdbc, KEYS, checkpointDir, new TestClock());
    }

    private void appendAndSeal(String tenant, int n) {
        for (int i = 0; i < n; i++) {
            jdbc.inTransaction(c -> {
                AuditLog.append(c, tenant, "apikey:test", "event.accepted", UUID.randomUUID(), null, "{\"n\":1}");
                return null;
            });
        }
        new AuditSealer(jdbc, 100, KEYS).sealAll();
    }

    private AuditVerifier.Report verifyWithCheckpoints() {
        return new AuditVerifier(jdbc, KEYS).verify(AuditCheckpoints.read(checkpointDir, KEYS));
    }

    private static List<String> problems(AuditVerifier.Report report) {
        return report.breaks().stream().map(AuditVerifier.Break::problem).toList();
    }

    /** As a database writer would: the append-only triggers off for the statements. */
    private void tamper(String sql) {
        pg.execute("SET session_replication_role = replica; " + sql + "; SET session_replication_role = origin");
    }

    @Test
    void an_untouched_trail_verifies_against_its_checkpoints() {
        appendAndSeal("acme", 4);
        assertThat(checkpoints.write()).isEqualTo(1);
        appendAndSeal("acme", 2);
        appendAndSeal("beta", 1);
        assertThat(checkpoints.write()).isEqualTo(2);
        assertThat(checkpoints.write()).isZero(); // nothing moved: nothing written

        AuditVerifier.Report report = verifyWithCheckpoints();
        assertThat(report.breaks()).isEmpty();
        assertThat(AuditCheckpoints.read(checkpointDir, KEYS)).extracting(AuditCheckpoint::tenantId,
                AuditCheckpoint::seq).containsExactly(org.assertj.core.groups.Tuple.tuple("acme", 4L),
                org.assertj.core.groups.Tuple.tuple("acme", 6L), org.assertj.core.groups.Tuple.tuple("beta", 1L));
    }

    @Test
    void the_checkpoint_file_is_readable_by_its_owner_only() throws Exception {
        appendAndSeal("acme", 1);
        checkpoints.write();
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(
                checkpointDir.resolve(AuditCheckpoints.FILE)))).isEqualTo("rw-------");
    }

    @Test
    void a_forged_insert_with_a_hash_recomputed_without_the_key_is_named() {
        appendAndSeal("acme", 3);
        long head = pg.count("SELECT max(seq) FROM audit_seal WHERE tenant_id = 'acme'");
        String prev = pg.text("SELECT hash FROM audit_seal WHERE tenant_id = 'acme' AND seq = " + head);
        tamper("INSERT INTO audit_entry (tenant_id, actor, action, detail) VALUES ('acme', 'apikey:test',"
                + " 'gate.overridden', '{}')");
        long forged = pg.count("SELECT max(id) FROM audit_entry");
        AuditEntry entry = jdbc.read(c -> {
            try (var ps = c.prepareStatement("SELECT " + AuditEntry.COLUMNS + " FROM audit_entry e WHERE id = "
                    + forged); var rs = ps.executeQuery()) {
                rs.next();
                return AuditEntry.from(rs);
            }
        });
        // The old, unkeyed link is all a writer without the key can compute.
        tamper("INSERT INTO audit_seal (tenant_id, seq, entry_id, prev_hash, hash) VALUES ('acme', " + (head + 1)
                + ", " + forged + ", '" + prev + "', '" + ChainHash.unkeyed(prev, entry) + "')");

        AuditVerifier.Report report = new AuditVerifier(jdbc, KEYS).verify();
        assertThat(report.breaks()).extracting(AuditVerifier.Break::entryId).containsExactly(forged);
        assertThat(problems(report)).containsExactly("entry " + forged + " was altered");
    }

    @Test
    void a_forged_insert_sealed_by_the_gateway_itself_is_named_as_not_written_by_it() {
        appendAndSeal("acme", 2);
        // As the gateway's own role could, pending mark and all: the sealer links it like any entry.
        pg.execute("WITH e AS (INSERT INTO audit_entry (tenant_id, actor, action, detail) VALUES ('acme',"
                + " 'apikey:test', 'gate.overridden', '{}') RETURNING id) INSERT INTO audit_pending SELECT id FROM e");
        long forged = pg.count("SELECT max(id) FROM audit_entry");
        new AuditSealer(jdbc, 100, KEYS).sealAll();

        AuditVerifier.Report report = new AuditVerifier(jdbc, KEYS).verify();
        assertThat(problems(report)).containsExactly("entry " + forged
                + " was not written by the gateway (no valid signature: a forged insert)");
    }

    @Test
    void a_forged_insert_without_its_pending_mark_is_named_as_neither_sealed_nor_pending() {
        appendAndSeal("acme", 2);
        // No trigger marks it pending since issue #17: only AuditLog writes the mark, with the entry.
        pg.execute("INSERT INTO audit_entry (tenant_id, actor, action, detail) VALUES ('acme', 'apikey:test',"
                + " 'gate.overridden', '{}')");
        long forged = pg.count("SELECT max(id) FROM audit_entry");
        new AuditSealer(jdbc, 100, KEYS).sealAll();

        AuditVerifier.Report report = new AuditVerifier(jdbc, KEYS).verify();
        assertThat(problems(report)).containsExactly("entry " + forged + " is neither sealed nor pending");
    }

    @Test
    void a_cut_tail_is_found_by_the_checkpoint_only() {
        appendAndSeal("acme", 5);
        checkpoints.write();
        tamper("DELETE FROM audit_entry WHERE id IN (SELECT entry_id FROM audit_seal WHERE tenant_id = 'acme'"
                + " AND seq > 3); DELETE FROM audit_seal WHERE tenant_id = 'acme' AND seq > 3");

        assertThat(new AuditVerifier(jdbc, KEYS).verify().breaks()).as("the database alone cannot tell").isEmpty();
        assertThat(problems(verifyWithCheckpoints())).singleElement().asString()
                .startsWith("tail cut: the chain ends at seq 3 but reached seq 5");
    }

    @Test
    void a_deleted_chain_is_found_by_the_checkpoint() {
        appendAndSeal("acme", 2);
        appendAndSeal("beta", 3);
        checkpoints.write();
        tamper("DELETE FROM audit_entry WHERE tenant_id = 'beta'; DELETE FROM audit_seal WHERE tenant_id = 'beta'");

        assertThat(new AuditVerifier(jdbc, KEYS).verify().breaks()).as("the database alone cannot tell").isEmpty();
        AuditVerifier.Report report = verifyWithCheckpoints();
        assertThat(report.breaks()).extracting(AuditVerifier.Break::tenantId).containsExactly("beta");
        assertThat(problems(report)).singleElement().asString()
                .startsWith("chain deleted: no seal left of a chain that reached seq 3");
    }

    @Test
    void a_chain_recomputed_after_a_deletion_is_found_by_the_checkpoint() {
        appendAndSeal("acme", 5);
        checkpoints.write();
        // Entry 2 removed, every seal dropped and the rest sealed again: a chain that verifies on its own.
        long second = pg.count("SELECT entry_id FROM audit_seal WHERE tenant_id = 'acme' AND seq = 2");
        tamper("DELETE FROM audit_entry WHERE id = " + second + "; DELETE FROM audit_seal WHERE tenant_id = 'acme';"
                + " INSERT INTO audit_pending SELECT id FROM audit_entry WHERE tenant_id = 'acme'");
        new AuditSealer(jdbc, 100, KEYS).sealAll();

        assertThat(new AuditVerifier(jdbc, KEYS).verify().breaks()).as("recomputed with the key").isEmpty();
        assertThat(problems(verifyWithCheckpoints())).singleElement().asString()
                .startsWith("tail cut: the chain ends at seq 4 but reached seq 5");

        // Had the chain not lost length, the checkpoint's hash tells: a fresh entry brings it back to seq 5.
        appendAndSeal("acme", 1);
        assertThat(problems(verifyWithCheckpoints())).singleElement().asString()
                .startsWith("chain recomputed: seq 5 no longer has the hash it had");
    }

    @Test
    void a_checkpoint_line_edited_without_the_key_is_named() throws Exception {
        appendAndSeal("acme", 2);
        checkpoints.write();
        Path file = checkpointDir.resolve(AuditCheckpoints.FILE);
        Files.writeString(file, Files.readString(file).replace("\"seq\":2", "\"seq\":1"));

        assertThat(problems(verifyWithCheckpoints())).containsExactly("checkpoint line 1 does not carry a valid"
                + " signature");
    }
}
