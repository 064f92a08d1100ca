package dev.chartbridge.core.delivery;

import dev.chartbridge.core.testing.PostgresExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * How many round trips the delivery engine makes to PostgreSQL for one delivered write (issue #17): the claim,
 * the load, both recorded transitions and their commits, counted by {@code StatementCounter} on the real
 * database. The figure is a ceiling: a change that adds a statement to every write must say why here. What the
 * statements write is asserted beside the count: the state, the attempt row with its request digest, the audit
 * entries, read-back's watch, the queue.
 *
 * <p>22 before issue #17: the claim and its commit, a separate load, and per transition a lease check, the
 * state's move, the queue's change, the look for the patient line's key and the clearing of it, and the fan-out
 * check (the event locked, its writes read) of every terminal write. 13 after the first folds: the claim loads
 * what it claims; the lease fence, the queue change and the state's move (with the line's key) are one statement
 * per transition; the fan-out check runs only under the entered-in-error policy. 6 since: the claim is one
 * statement in autocommit (no COMMIT); a transition of a tenant whose webhooks (by the node's settings copy,
 * proven current by the move itself) take no notice of it sends no webhooks query; the IN_FLIGHT mark, then the
 * transition's only write, is one statement in autocommit (committed when it returns, before the send); the move
 * takes the patient line's lock of a write that leaves its line; the attempt, read-back's watch and the audit
 * entries are one statement. What is left: the claim (shared by a batch); the IN_FLIGHT mark; the outcome's move,
 * the look at the line (a statement of its own, after the lock), the ledger statement and the commit.
 */
class StatementsPerWriteTest {
    @RegisterExtension
    static PostgresExtension pg = new PostgresExtension();

    @Test
    void a_delivered_write_without_verification_costs_at_most_the_counted_statements() {
        Rig rig = new Rig(pg, Rig.POLICY.withVerify(false), null, "ehr");
        UUID op = rig.operation(rig.submit("ehr"), "ehr");
        rig.statements.reset();

        assertThat(rig.runDue()).isEqualTo(1);

        assertThat(rig.state(op)).isEqualTo("CREATED_UNVERIFIED");
        assertThat(rig.statements.count()).as("%s", rig.statements.statements()).isLessThanOrEqualTo(6);
        assertThat(rig.ehr("ehr").sends.get()).isEqualTo(1);
        assertThat(rig.count("SELECT count(*) FROM delivery_attempt WHERE operation_id = '" + op + "'"
                + " AND step = 'SEND' AND outcome = 'created' AND http_status = 201 AND request_digest IS NOT NULL"
                + " AND node = 'node-a'")).isEqualTo(1);
        assertThat(rig.audit(op, "operation.created")).contains("\"state\":\"CREATED_UNVERIFIED\"");
        assertThat(rig.count("SELECT count(*) FROM audit_pending p JOIN audit_entry e ON e.id = p.entry_id"
                + " WHERE e.operation_id = '" + op + "' AND e.action = 'operation.created'")).isEqualTo(1);
        assertThat(rig.count("SELECT count(*) FROM readback_watch WHERE operation_id = '" + op + "'")).isEqualTo(1);
        assertThat(rig.count("SELECT count(*) FROM outbox WHERE operation_id = '" + op + "'")).isZero();
    }

    @Test
    void the_write_behind_in_the_patient_line_is_released_and_audited_by_the_same_ledger_statement() {
        Rig rig = new Rig(pg, Rig.POLICY.withVerify(false), null, "ehr");
        UUID first = rig.operation(rig.submit("ehr"), "ehr");
        UUID second = rig.operation(rig.submit("ehr"), "ehr");
        assertThat(rig.pg("SELECT due_at::text FROM outbox WHERE operation_id = '" + second + "'"))
                .isEqualTo("infinity");
        rig.statements.reset();

        assertThat(rig.runDue()).isEqualTo(1);

        assertThat(rig.state(first)).isEqualTo("CREATED_UNVERIFIED");
        assertThat(rig.statements.count()).as("%s", rig.statements.statements()).isLessThanOrEqualTo(6);
        assertThat(rig.audit(second, "operation.released")).contains(first.toString());
        assertThat(rig.count("SELECT count(*) FROM audit_pending p JOIN audit_entry e ON e.id = p.entry_id"
                + " WHERE e.operation_id = '" + second + "' AND e.action = 'operation.released'")).isEqualTo(1);
        assertThat(rig.pg("SELECT due_at::text FROM outbox WHERE operation_id = '" + second + "'"))
                .isNotEqualTo("infinity");

        assertThat(rig.runDue()).isEqualTo(1);
        assertThat(rig.state(second)).isEqualTo("CREATED_UNVERIFIED");
        assertThat(rig.ehr("ehr").sends.get()).isEqualTo(2);
    }

    @Test
    void a_webhook_registered_after_the_settings_were_cached_is_told_of_every_state_change() {
        Rig rig = new Rig(pg, Rig.POLICY.withVerify(false), null, "ehr");
        UUID op = rig.operation(rig.submit("ehr"), "ehr");
        // Registered behind the node's back (no listener in the rig): the copy intake read says "no webhooks".
        pg.execute("INSERT INTO webhook (id, tenant_id, url) VALUES ('" + UUID.randomUUID() + "', '" + rig.tenant
                + "', 'https://example.org/hook')");

        assertThat(rig.runDue()).isEqualTo(1);

        assertThat(rig.state(op)).isEqualTo("CREATED_UNVERIFIED");
        assertThat(rig.count("SELECT count(*) FROM webhook_delivery WHERE operation_id = '" + op + "'"
                + " AND notice_type = 'operation.state-changed'")).isEqualTo(2);
        assertThat(rig.count("SELECT count(*) FROM webhook_delivery WHERE operation_id = '" + op + "'"
                + " AND payload::jsonb ->> 'state' = 'IN_FLIGHT'")).isEqualTo(1);
        assertThat(rig.count("SELECT count(*) FROM webhook_delivery WHERE operation_id = '" + op + "'"
                + " AND payload::jsonb ->> 'state' = 'CREATED_UNVERIFIED'")).isEqualTo(1);
    }
}
