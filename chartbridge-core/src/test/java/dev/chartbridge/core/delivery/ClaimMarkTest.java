package dev.chartbridge.core.delivery;

import dev.chartbridge.core.event.OperationState;
import dev.chartbridge.core.testing.PostgresExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The claim marks the writes it claims for sending {@code IN_FLIGHT} in its own statement (issue #17), so the mark
 * is committed before any send leaves and the send step records none of its own. A claimed write that is not sent
 * after all gets its send back; a node that dies after its claim leaves writes that the next node reconciles
 * before sending, as after any send whose outcome is unknown.
 */
class ClaimMarkTest {
    @RegisterExtension
    static PostgresExtension pg = new PostgresExtension();

    private static Claimed claimOne(Rig rig) {
        List<Claimed> claimed = rig.store.claim(rig.tenant + "/ehr", 32, Rig.POLICY.lease(), Rig.POLICY.maxSends());
        assertThat(claimed).hasSize(1);
        return claimed.get(0);
    }

    private static String sendsAndState(Rig rig, UUID op) {
        return rig.pg("SELECT state || '/' || sends FROM write_operation WHERE id = '" + op + "'");
    }

    @Test
    void the_claim_marks_a_due_write_in_flight_and_its_send_records_no_mark_of_its_own() {
        Rig rig = new Rig(pg, Rig.POLICY.withVerify(false), null, "ehr");
        UUID op = rig.operation(rig.submit("ehr"), "ehr");

        Claimed claimed = claimOne(rig);

        assertThat(claimed.sending()).isTrue();
        assertThat(claimed.row().state()).as("the row as it was before the claim").isEqualTo(OperationState.DUE);
        assertThat(sendsAndState(rig, op)).as("committed by the claim").isEqualTo("IN_FLIGHT/1");
        rig.statements.reset();

        rig.runner.run(claimed, rig.events.batch());

        assertThat(sendsAndState(rig, op)).isEqualTo("CREATED_UNVERIFIED/1");
        assertThat(rig.ehr("ehr").sends.get()).isEqualTo(1);
        assertThat(rig.statements.statements()).as("no move to IN_FLIGHT after the claim")
                .noneMatch(s -> s.startsWith("WITH lease AS (UPDATE outbox SET leased_until"));
        assertThat(rig.count("SELECT count(*) FROM delivery_attempt WHERE operation_id = '" + op + "'"
                + " AND step = 'SEND' AND outcome = 'created'")).isEqualTo(1);
    }

    @Test
    void a_tenant_whose_webhook_takes_the_in_flight_notice_is_not_marked_by_the_claim_and_is_told_of_it() {
        Rig rig = new Rig(pg, Rig.POLICY.withVerify(false), null, "ehr");
        // Registered before the node read the tenant's settings: its copy knows the webhook.
        pg.execute("INSERT INTO webhook (id, tenant_id, url) VALUES ('" + UUID.randomUUID() + "', '" + rig.tenant
                + "', 'https://example.org/hook')");
        UUID op = rig.operation(rig.submit("ehr"), "ehr");

        Claimed claimed = claimOne(rig);

        assertThat(claimed.sending()).isFalse();
        assertThat(sendsAndState(rig, op)).isEqualTo("DUE/0");
        rig.runner.run(claimed, rig.events.batch());
        assertThat(sendsAndState(rig, op)).isEqualTo("CREATED_UNVERIFIED/1");
        assertThat(rig.count("SELECT count(*) FROM webhook_delivery WHERE operation_id = '" + op + "'"
                + " AND payload::jsonb ->> 'state' = 'IN_FLIGHT'")).isEqualTo(1);
    }

    @Test
    void a_claim_given_back_by_a_stopping_node_before_its_send_takes_its_mark_back() {
        Rig rig = new Rig(pg, "ehr");
        UUID op = rig.operation(rig.submit("ehr"), "ehr");
        Claimed claimed = claimOne(rig);
        assertThat(claimed.sending()).isTrue();

        rig.runner.stop();
        rig.runner.run(claimed, rig.events.batch());

        assertThat(sendsAndState(rig, op)).isEqualTo("DUE/0");
        assertThat(rig.ehr("ehr").sends.get()).isZero();
        assertThat(rig.count("SELECT count(*) FROM outbox WHERE operation_id = '" + op + "' AND lease_token IS NULL"
                + " AND due_at > now() + interval '500 ms'")).as("given back, due after the reconcile delay")
                .isEqualTo(1);
        assertThat(rig.count("SELECT count(*) FROM delivery_attempt WHERE operation_id = '" + op + "'")).isZero();
    }

    @Test
    void a_claimed_write_whose_stored_event_no_longer_parses_goes_to_review_with_its_send_given_back() {
        Rig rig = new Rig(pg, "ehr");
        UUID event = rig.submit("ehr");
        UUID op = rig.operation(event, "ehr");
        pg.execute("SET session_replication_role = replica; UPDATE clinical_event SET body = '{}' WHERE id = '"
                + event + "'; SET session_replication_role = origin");
        Claimed claimed = claimOne(rig);
        assertThat(claimed.sending()).isTrue();

        rig.runner.run(claimed, rig.events.batch());

        assertThat(sendsAndState(rig, op)).isEqualTo("NEEDS_REVIEW/0");
        assertThat(rig.ehr("ehr").sends.get()).isZero();
    }

    @Test
    void a_write_with_no_send_left_is_not_marked_and_ends_dead() {
        Rig rig = new Rig(pg, "ehr");
        UUID op = rig.operation(rig.submit("ehr"), "ehr");
        pg.execute("UPDATE write_operation SET sends = " + Rig.POLICY.maxSends() + " WHERE id = '" + op + "'");

        Claimed claimed = claimOne(rig);

        assertThat(claimed.sending()).isFalse();
        rig.runner.run(claimed, rig.events.batch());
        assertThat(sendsAndState(rig, op)).isEqualTo("DEAD/" + Rig.POLICY.maxSends());
        assertThat(rig.ehr("ehr").sends.get()).isZero();
    }

    @Test
    void writes_claimed_by_a_node_that_died_before_sending_are_reconciled_then_sent_once() {
        Rig rig = new Rig(pg, "ehr");
        UUID op = rig.operation(rig.submit("ehr"), "ehr");
        assertThat(claimOne(rig).sending()).isTrue();
        // The node dies here: nothing was sent, and its lease runs out.
        pg.execute("UPDATE outbox SET leased_until = now() - interval '1 ms' WHERE operation_id = '" + op + "'");

        rig.runDue();
        assertThat(rig.state(op)).as("treated as a send whose outcome is unknown").isEqualTo("UNKNOWN");
        rig.advance(Duration.ofMinutes(1));
        rig.runWhenDue(op);

        assertThat(rig.state(op)).isEqualTo("VERIFIED");
        assertThat(rig.ehr("ehr").finds.get()).as("searched before sending").isEqualTo(1);
        assertThat(rig.ehr("ehr").sends.get()).isEqualTo(1);
        assertThat(rig.ehr("ehr").created.get()).isEqualTo(1);
    }
}
