package dev.chartbridge.core.delivery;

import dev.chartbridge.core.testing.Awaits;
import dev.chartbridge.core.testing.PostgresExtension;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Clock;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A node that stops while a send is under way never lets another node resend it: the send's claim is not given
 * back (it stays on the lease path), and what is given back is due only after the reconcile delay.
 */
class DeliveryEngineStopTest {
    @RegisterExtension
    static PostgresExtension pg = new PostgresExtension();

    private static DeliveryEngine engine(Rig rig, String node, Duration grace) {
        DeliveryPolicy policy = Rig.POLICY.withLease(Duration.ofSeconds(5)).withPollInterval(Duration.ofMillis(20));
        return new DeliveryEngine(rig.jdbc, rig.targets, policy, new SimpleMeterRegistry(), node, grace,
                Clock.systemUTC());
    }

    @Test
    void a_stop_during_a_slow_send_produces_no_duplicate() throws Exception {
        Rig rig = new Rig(pg, "ehr");
        TestAdapter ehr = rig.ehr("ehr");
        CountDownLatch sending = new CountDownLatch(1);
        CountDownLatch answer = new CountDownLatch(1);
        ehr.onSend = w -> {
            sending.countDown();
            try {
                answer.await(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return ehr.create(w);
        };
        UUID op = rig.operation(rig.submit("ehr"), "ehr");
        DeliveryEngine first = engine(rig, "node-a", Duration.ofMillis(300));
        first.start();
        assertThat(sending.await(30, TimeUnit.SECONDS)).isTrue();

        first.close(); // the send is still under way when the grace period ends
        DeliveryEngine second = engine(rig, "node-b", Duration.ofSeconds(5));
        second.start();
        try {
            answer.countDown(); // the slow EHR answers after all
            Awaits.until("verified", () -> "VERIFIED".equals(rig.state(op)), Duration.ofSeconds(30));
        } finally {
            second.close();
        }

        assertThat(ehr.sends.get()).isEqualTo(1);
        assertThat(ehr.created.get()).isEqualTo(1);
        assertThat(rig.count("SELECT count(*) FROM delivery_attempt WHERE operation_id = '" + op
                + "' AND step = 'VERIFY' AND node = 'node-b'")).as("the next node verified it").isEqualTo(1);
    }

    @Test
    void a_stop_waits_for_the_send_under_way_and_gives_its_claim_back_due_after_the_reconcile_delay()
            throws Exception {
        Rig rig = new Rig(pg, "ehr");
        TestAdapter ehr = rig.ehr("ehr");
        CountDownLatch sending = new CountDownLatch(1);
        CountDownLatch answer = new CountDownLatch(1);
        ehr.onSend = w -> {
            sending.countDown();
            try {
                answer.await(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return new dev.chartbridge.core.adapter.SendOutcome.Unknown("interrupted", TestAdapter.exchange(0));
            }
            return ehr.create(w);
        };
        UUID op = rig.operation(rig.submit("ehr"), "ehr");
        DeliveryEngine node = engine(rig, "node-a", Duration.ofSeconds(20));
        node.start();
        assertThat(sending.await(30, TimeUnit.SECONDS)).isTrue();

        Thread closer = new Thread(node::close);
        closer.start();
        Awaits.until("stopping", () -> closer.getState() == Thread.State.TIMED_WAITING, Duration.ofSeconds(30));
        answer.countDown();
        closer.join(30_000);

        assertThat(closer.isAlive()).isFalse();
        assertThat(rig.state(op)).as("the send was recorded, not cut short").isEqualTo("CREATED");
        assertThat(pg.count("SELECT count(*) FROM outbox WHERE operation_id = '" + op + "' AND lease_token IS NULL"
                + " AND due_at > now()")).as("given back, due after the reconcile delay").isEqualTo(1);
        assertThat(ehr.created.get()).isEqualTo(1);
    }

    @Test
    void an_idle_node_claims_from_only_the_queues_with_due_work() {
        Rig rig = new Rig(pg, "a", "b", "c");
        UUID op = rig.operation(rig.submit("b"), "b");
        DeliveryEngine engine = engine(rig, "node-a", Duration.ofSeconds(5));
        engine.start();
        try {
            Awaits.until("verified", () -> "VERIFIED".equals(rig.state(op)), Duration.ofSeconds(30));
        } finally {
            engine.close();
        }
        assertThat(rig.store.dueQueues(rig.targets.all().stream().map(t -> t.queue()).toList())).isEmpty();
        assertThat(rig.ehr("a").sends.get() + rig.ehr("c").sends.get()).isZero();
    }
}
