package dev.chartbridge.core.delivery;

import dev.chartbridge.core.adapter.SendOutcome;
import dev.chartbridge.core.adapter.VerifyOutcome;
import dev.chartbridge.core.testing.PostgresExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The runner's state machine, step by step, on the real database with a test adapter and a test clock: each
 * transition with its attempt row and audit entry, each backoff, each lease case. No real time passes.
 */
class OperationRunnerTest {
    @RegisterExtension
    static PostgresExtension pg = new PostgresExtension();

    /** Thrown by a test adapter to play a node that dies mid-send (not an adapter bug the runner catches). */
    static final class NodeDied extends Error {
    }

    @Test
    void a_send_that_lands_is_created_then_verified_with_an_attempt_and_audit_entry_per_step() {
        Rig rig = new Rig(pg, "ehr");
        UUID op = rig.operation(rig.submit("ehr"), "ehr");

        assertThat(rig.runDue()).isEqualTo(1);

        assertThat(rig.state(op)).isEqualTo("VERIFIED");
        assertThat(rig.ehr("ehr").created.get()).isEqualTo(1);
        assertThat(rig.count("SELECT count(*) FROM delivery_attempt WHERE operation_id = '" + op + "'")).isEqualTo(2);
        assertThat(rig.audit(op, "operation.created")).contains("\"state\":\"CREATED\"");
        assertThat(rig.audit(op, "operation.verified")).contains("\"state\":\"VERIFIED\"");
        assertThat(rig.count("SELECT count(*) FROM outbox WHERE operation_id = '" + op + "'")).isZero();
    }

    @Test
    void a_503_counts_a_send_and_waits_at_most_the_base_delay() {
        Rig rig = new Rig(pg, "ehr");
        rig.ehr("ehr").onSend = w -> TestAdapter.unavailable();
        UUID op = rig.operation(rig.submit("ehr"), "ehr");
        Instant before = rig.clock.instant();

        rig.runDue();

        assertThat(rig.state(op)).isEqualTo("RETRY_WAIT");
        assertThat(rig.count("SELECT sends FROM write_operation WHERE id = '" + op + "'")).isEqualTo(1);
        assertThat(rig.dueAt(op)).isBetween(before, before.plus(Rig.POLICY.baseDelay()));
        assertThat(rig.audit(op, "operation.retryable")).contains("\"httpStatus\":503");
    }

    @Test
    void eight_503s_end_dead_after_exactly_eight_sends() {
        Rig rig = new Rig(pg, "ehr");
        rig.ehr("ehr").onSend = w -> TestAdapter.unavailable();
        UUID op = rig.operation(rig.submit("ehr"), "ehr");

        for (int i = 0; i < 20 && !rig.state(op).equals("DEAD"); i++) {
            rig.runWhenDue(op);
        }

        assertThat(rig.state(op)).isEqualTo("DEAD");
        assertThat(rig.ehr("ehr").sends.get()).isEqualTo(Rig.POLICY.maxSends());
        assertThat(rig.count("SELECT count(*) FROM delivery_attempt WHERE operation_id = '" + op
                + "' AND outcome IN ('retryable', 'dead')")).isEqualTo(Rig.POLICY.maxSends());
    }

    @Test
    void a_refusal_ends_rejected_and_leaves_the_queue() {
        Rig rig = new Rig(pg, "ehr");
        rig.ehr("ehr").onSend = w -> TestAdapter.rejected();
        UUID op = rig.operation(rig.submit("ehr"), "ehr");

        rig.runDue();

        assertThat(rig.state(op)).isEqualTo("REJECTED");
        assertThat(rig.count("SELECT count(*) FROM outbox WHERE operation_id = '" + op + "'")).isZero();
    }

    @Test
    void an_unknown_outcome_is_searched_after_the_reconcile_delay_and_never_resent_when_found() {
        Rig rig = new Rig(pg, "ehr");
        TestAdapter ehr = rig.ehr("ehr");
        ehr.onSend = w -> {
            ehr.create(w);
            return new SendOutcome.Unknown("read timed out", TestAdapter.exchange(0));
        };
        UUID op = rig.operation(rig.submit("ehr"), "ehr");

        rig.runDue();
        assertThat(rig.state(op)).isEqualTo("UNKNOWN");
        assertThat(rig.dueAt(op)).isAfterOrEqualTo(rig.clock.instant().plus(Rig.POLICY.reconcileDelay())
                .truncatedTo(java.time.temporal.ChronoUnit.MICROS));
        assertThat(rig.runDue()).as("nothing is due before the reconcile delay").isZero();

        rig.runWhenDue(op);

        assertThat(rig.state(op)).isEqualTo("VERIFIED");
        assertThat(ehr.sends.get()).isEqualTo(1);
        assertThat(ehr.finds.get()).isEqualTo(1);
        assertThat(ehr.created.get()).isEqualTo(1);
    }

    @Test
    void a_send_abandoned_after_a_long_wait_is_searched_no_sooner_than_that_wait_again() {
        Rig rig = new Rig(pg, "ehr");
        TestAdapter ehr = rig.ehr("ehr");
        Duration readTimeout = Rig.POLICY.reconcileDelay().multipliedBy(5);
        ehr.onSend = w -> {
            rig.clock.advance(readTimeout);
            return new SendOutcome.Unknown("read timed out", TestAdapter.exchange(0));
        };
        UUID op = rig.operation(rig.submit("ehr"), "ehr");

        rig.runDue();

        assertThat(rig.state(op)).isEqualTo("UNKNOWN");
        assertThat(rig.dueAt(op)).as("the EHR gets as long again as the send was waited for")
                .isAfterOrEqualTo(rig.clock.instant().plus(readTimeout).truncatedTo(java.time.temporal.ChronoUnit.MICROS));
        rig.advance(readTimeout.minus(Rig.POLICY.reconcileDelay()));
        assertThat(rig.runDue()).as("not searched after only the reconcile delay").isZero();
        assertThat(ehr.finds.get()).isZero();
    }

    @Test
    void an_unknown_outcome_found_absent_is_sent_again() {
        Rig rig = new Rig(pg, "ehr");
        TestAdapter ehr = rig.ehr("ehr");
        ehr.onSend = w -> new SendOutcome.Unknown("connection reset", TestAdapter.exchange(0));
        UUID op = rig.operation(rig.submit("ehr"), "ehr");
        rig.runDue();
        ehr.onSend = ehr::create;

        rig.runWhenDue(op);

        assertThat(rig.state(op)).isEqualTo("VERIFIED");
        assertThat(ehr.sends.get()).isEqualTo(2);
        assertThat(ehr.created.get()).isEqualTo(1);
    }

    @Test
    void a_claim_whose_lease_was_taken_over_records_nothing() {
        Rig rig = new Rig(pg, "ehr");
        UUID op = rig.operation(rig.submit("ehr"), "ehr");
        Claimed claim = rig.store.claim(rig.tenant + "/ehr", 1, Rig.POLICY.lease()).get(0);
        // another node took the operation over after this one's lease ran out
        pg.execute("UPDATE outbox SET lease_token = gen_random_uuid() WHERE operation_id = '" + op + "'");

        rig.runner.run(claim, rig.events.batch());

        assertThat(rig.state(op)).isEqualTo("DUE");
        assertThat(rig.ehr("ehr").sends.get()).isZero();
        assertThat(rig.count("SELECT count(*) FROM delivery_attempt WHERE operation_id = '" + op + "'")).isZero();
    }

    @Test
    void a_claimed_operation_is_not_claimed_again_until_its_lease_runs_out_and_keeps_its_due_time() {
        Rig rig = new Rig(pg, "ehr");
        UUID op = rig.operation(rig.submit("ehr"), "ehr");
        String due = rig.pg("SELECT due_at::text FROM outbox WHERE operation_id = '" + op + "'");
        String queue = rig.tenant + "/ehr";

        assertThat(rig.store.claim(queue, 32, Rig.POLICY.lease())).hasSize(1);
        assertThat(rig.store.claim(queue, 32, Rig.POLICY.lease())).as("leased").isEmpty();
        assertThat(rig.store.dueQueues(List.of(queue))).as("the idle poll sees nothing to claim").isEmpty();
        assertThat(rig.pg("SELECT due_at::text FROM outbox WHERE operation_id = '" + op + "'")).isEqualTo(due);

        pg.execute("UPDATE outbox SET leased_until = now() - interval '1 ms' WHERE operation_id = '" + op + "'");

        assertThat(rig.store.dueQueues(List.of(queue))).containsExactly(queue);
        List<Claimed> again = rig.store.claim(queue, 32, Rig.POLICY.lease());
        assertThat(again).hasSize(1);
        assertThat(again.get(0).row().id()).isEqualTo(op);
    }

    @Test
    void a_lease_taken_over_while_the_send_was_in_flight_leaves_the_new_holders_row_untouched() {
        Rig rig = new Rig(pg, "ehr");
        TestAdapter ehr = rig.ehr("ehr");
        UUID op = rig.operation(rig.submit("ehr"), "ehr");
        ehr.onSend = w -> {
            // while this node's send is out, its lease runs out and another node takes the operation over
            pg.execute("UPDATE outbox SET lease_token = gen_random_uuid(), leased_until = now() + interval '1 h'"
                    + " WHERE operation_id = '" + op + "'");
            return ehr.create(w);
        };
        rig.runDue();

        assertThat(rig.state(op)).as("the outcome is not recorded over the new holder's lease").isEqualTo("IN_FLIGHT");
        assertThat(pg.count("SELECT count(*) FROM outbox WHERE operation_id = '" + op
                + "' AND leased_until > now() + interval '50 minutes'")).as("the new holder's queue row, its lease"
                + " unchanged").isEqualTo(1);
        assertThat(rig.count("SELECT count(*) FROM delivery_attempt WHERE operation_id = '" + op
                + "' AND outcome = 'created'")).isZero();
    }

    @Test
    void the_parts_of_one_event_in_one_batch_share_one_parse() {
        Rig rig = new Rig(pg, "ehr");
        UUID event = rig.submit("ehr");
        Claimed claimed = rig.store.claim(rig.tenant + "/ehr", 32, Rig.POLICY.lease()).get(0);
        StoredEvents.Batch batch = rig.events.batch();

        var first = batch.parse(event, claimed.row().eventBody());

        assertThat(first.isValid()).isTrue();
        assertThat(batch.parse(event, claimed.row().eventBody())).isSameAs(first);
        assertThat(rig.events.batch().parse(event, claimed.row().eventBody())).as("another batch parses anew")
                .isNotSameAs(first);
    }

    @Test
    void a_send_whose_node_died_is_reconciled_after_the_reconcile_delay_by_the_next_claim() {
        Rig rig = new Rig(pg, "ehr");
        TestAdapter ehr = rig.ehr("ehr");
        ehr.onSend = w -> {
            ehr.create(w);
            throw new NodeDied();
        };
        UUID op = rig.operation(rig.submit("ehr"), "ehr");
        try {
            rig.runDue();
        } catch (NodeDied expected) {
            // the node is gone; its lease runs out
        }
        assertThat(rig.state(op)).isEqualTo("IN_FLIGHT");
        pg.execute("UPDATE outbox SET leased_until = now() - interval '1 ms' WHERE operation_id = '" + op + "'");
        ehr.onSend = ehr::create;

        rig.runDue();
        assertThat(rig.state(op)).isEqualTo("UNKNOWN");
        assertThat(rig.audit(op, "operation.recovered")).contains("\"step\":\"RECOVER\"");
        assertThat(ehr.finds.get()).as("the search waits the reconcile delay").isZero();

        rig.runWhenDue(op);

        assertThat(rig.state(op)).isEqualTo("VERIFIED");
        assertThat(ehr.created.get()).isEqualTo(1);
    }

    @Test
    void a_record_held_unreadable_for_30_minutes_costs_at_most_15_reads_and_one_attempt_row() {
        Rig rig = new Rig(pg, "ehr");
        TestAdapter ehr = rig.ehr("ehr");
        Instant readable = rig.clock.instant().plus(Duration.ofMinutes(30));
        ehr.onVerify = w -> rig.clock.instant().isBefore(readable)
                ? new VerifyOutcome.NotYetReadable(TestAdapter.exchange(404))
                : new VerifyOutcome.Verified(TestAdapter.exchange(200));
        UUID op = rig.operation(rig.submit("ehr"), "ehr");

        for (int i = 0; i < 100 && !rig.state(op).equals("VERIFIED"); i++) {
            rig.runWhenDue(op);
        }

        assertThat(rig.state(op)).isEqualTo("VERIFIED");
        assertThat(ehr.verifies.get()).isLessThanOrEqualTo(16); // 15 re-reads while held, then the one that verifies
        assertThat(rig.count("SELECT count(*) FROM delivery_attempt WHERE operation_id = '" + op
                + "' AND outcome = 'pending'")).isEqualTo(1);
        assertThat(rig.count("SELECT repeats FROM delivery_attempt WHERE operation_id = '" + op
                + "' AND outcome = 'pending'")).isEqualTo(ehr.verifies.get() - 2);
        assertThat(rig.count("SELECT count(*) FROM audit_entry WHERE operation_id = '" + op
                + "' AND action = 'operation.pending'")).isEqualTo(1);
    }

    @Test
    void each_deferred_send_waits_longer_than_half_the_doubled_wait_and_uses_no_send() {
        Rig rig = new Rig(pg, "ehr");
        rig.ehr("ehr").onSend = w -> TestAdapter.noToken();
        UUID op = rig.operation(rig.submit("ehr"), "ehr");

        List<Duration> waits = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            rig.runWhenDue(op);
            waits.add(Duration.between(rig.clock.instant(), rig.dueAt(op)));
            assertThat(waits.get(i)).isGreaterThanOrEqualTo(Rig.POLICY.baseDelay().multipliedBy(1L << i).dividedBy(2))
                    .isLessThanOrEqualTo(Rig.POLICY.baseDelay().multipliedBy(1L << i));
        }

        assertThat(rig.state(op)).isEqualTo("RETRY_WAIT");
        assertThat(rig.count("SELECT sends FROM write_operation WHERE id = '" + op + "'")).isZero();
        assertThat(rig.count("SELECT waits FROM write_operation WHERE id = '" + op + "'")).isEqualTo(8);
        assertThat(rig.count("SELECT count(*) FROM delivery_attempt WHERE operation_id = '" + op + "'")).isEqualTo(1);
        assertThat(rig.count("SELECT repeats FROM delivery_attempt WHERE operation_id = '" + op + "'")).isEqualTo(7);
    }

    @Test
    void a_wait_that_ends_starts_the_next_wait_from_the_first_length() {
        Rig rig = new Rig(pg, "ehr");
        TestAdapter ehr = rig.ehr("ehr");
        ehr.onSend = w -> TestAdapter.noToken();
        UUID op = rig.operation(rig.submit("ehr"), "ehr");
        for (int i = 0; i < 4; i++) {
            rig.runWhenDue(op);
        }
        ehr.onSend = w -> TestAdapter.unavailable();

        rig.runWhenDue(op);

        assertThat(rig.count("SELECT waits FROM write_operation WHERE id = '" + op + "'")).isZero();
        assertThat(Duration.between(rig.clock.instant(), rig.dueAt(op))).isLessThanOrEqualTo(Rig.POLICY.baseDelay());
    }

    @Test
    void a_stopping_runner_gives_its_claim_back_due_after_the_reconcile_delay_without_sending() {
        Rig rig = new Rig(pg, "ehr");
        UUID op = rig.operation(rig.submit("ehr"), "ehr");
        rig.runner.stop();

        rig.runDue();

        assertThat(rig.ehr("ehr").sends.get()).isZero();
        assertThat(rig.state(op)).isEqualTo("DUE");
        assertThat(pg.count("SELECT count(*) FROM outbox WHERE operation_id = '" + op + "' AND lease_token IS NULL"
                + " AND due_at >= now() + interval '" + (Rig.POLICY.reconcileDelay().toMillis() - 200) + " ms'"))
                .isEqualTo(1);
    }
}
