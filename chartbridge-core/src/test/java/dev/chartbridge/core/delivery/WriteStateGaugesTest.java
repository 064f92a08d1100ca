package dev.chartbridge.core.delivery;

import dev.chartbridge.core.testing.PostgresExtension;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The write-state gauges on the real database: a write waiting out a retry counts in RETRY_WAIT, and once its wait
 * is over and no worker has taken it, the outbox lag is the time since it became due (issue #14: the lag read 0.0
 * while a write sat in RETRY_WAIT).
 */
class WriteStateGaugesTest {
    @RegisterExtension
    static PostgresExtension pg = new PostgresExtension();

    @Test
    void a_due_write_in_retry_wait_counts_in_its_state_and_in_the_lag() {
        Rig rig = new Rig(pg, "ehr");
        rig.ehr("ehr").onSend = w -> TestAdapter.unavailable();
        UUID op = rig.operation(rig.submit("ehr"), "ehr");
        rig.runDue();
        assertThat(rig.state(op)).isEqualTo("RETRY_WAIT");
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        try (WriteStateGauges gauges = new WriteStateGauges(rig.jdbc, rig.targets, registry, Duration.ofHours(1))) {
            pg.execute("UPDATE outbox SET due_at = now() + interval '1 hour' WHERE operation_id = '" + op + "'");
            gauges.sample();
            assertThat(gauge(registry, rig.tenant, "RETRY_WAIT")).isEqualTo(1.0);
            assertThat(lag(registry, rig.tenant)).as("still waiting: not late").isZero();

            pg.execute("UPDATE outbox SET due_at = now() - interval '42 seconds' WHERE operation_id = '" + op + "'");
            gauges.sample();
            assertThat(lag(registry, rig.tenant)).isBetween(42.0, 600.0);
            assertThat(gauge(registry, rig.tenant, "DEAD")).isZero();
        }
    }

    private static double gauge(SimpleMeterRegistry registry, String tenant, String state) {
        return registry.get("chartbridge.writes").tag("tenant", tenant).tag("connection", "ehr").tag("state", state)
                .gauge().value();
    }

    private static double lag(SimpleMeterRegistry registry, String tenant) {
        return registry.get("chartbridge.outbox.lag").tag("tenant", tenant).tag("connection", "ehr").gauge().value();
    }

    @Test
    void a_slow_sample_spaces_the_next_so_sampling_costs_at_most_a_hundredth_of_a_core() {
        Duration every = Duration.ofSeconds(5);
        assertThat(WriteStateGauges.nextDelay(every, Duration.ofMillis(40))).isEqualTo(every);
        assertThat(WriteStateGauges.nextDelay(every, Duration.ofMillis(350))).isEqualTo(Duration.ofSeconds(35));
    }
}
