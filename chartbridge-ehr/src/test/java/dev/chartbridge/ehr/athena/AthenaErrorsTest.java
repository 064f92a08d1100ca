package dev.chartbridge.ehr.athena;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.chartbridge.core.adapter.ErrorClass;
import dev.chartbridge.core.adapter.SendOutcome;
import dev.chartbridge.simulators.athena.AthenaSimulator;
import dev.chartbridge.simulators.athena.AthenaSimulatorExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/** Every athena answer normalized: refusals inside a 200, quotas, outages, lost answers. */
class AthenaErrorsTest {
    @RegisterExtension
    static final AthenaSimulatorExtension SIM = new AthenaSimulatorExtension();

    @Test
    void success_false_inside_a_200_is_a_rejection_carrying_athenas_message() {
        AthenaSimulator sim = SIM.simulator();
        ObjectNode json = AthenaFixture.example("condition");
        ((ObjectNode) json.at("/payload/code")).put("code", "12345");

        SendOutcome outcome = AthenaFixture.adapter(sim).send(AthenaFixture.write(AthenaFixture.parse(json), 0));

        SendOutcome.Rejected rejected = (SendOutcome.Rejected) outcome;
        assertThat(rejected.exchange().httpStatus()).isEqualTo(200);
        assertThat(rejected.error().errorClass()).isEqualTo(ErrorClass.INVALID);
        assertThat(rejected.error().vendorCode()).isEqualTo("success:false");
        assertThat(rejected.error().message()).isEqualTo("Submitted snomedcode of '12345' is not valid.");
        assertThat(sim.records("problem", AthenaFixture.MARIA)).isEmpty();
    }

    @Test
    void a_quota_429_is_retryable_after_a_wait() {
        AthenaSimulator sim = SIM.simulator();
        AthenaAdapter adapter = AthenaFixture.adapter(sim);
        adapter.send(AthenaFixture.write("condition")); // token and patient cached
        sim.faults().tooManyRequestsRate(1.0, 7, true);

        SendOutcome.Retryable r = (SendOutcome.Retryable) adapter.send(AthenaFixture.write("condition"));

        assertThat(r.error().errorClass()).isEqualTo(ErrorClass.RATE_LIMITED);
        assertThat(r.retryAfter()).isEqualTo(Duration.ofSeconds(7));
        assertThat(sim.records("problem", AthenaFixture.MARIA)).hasSize(1);
    }

    @Test
    void the_days_quota_spent_waits_for_athenas_reset_header() {
        AthenaSimulator sim = SIM.simulator();
        AthenaAdapter adapter = AthenaFixture.adapter(sim);
        adapter.send(AthenaFixture.write("condition"));
        sim.limits(5, 20, 2); // the day's quota: the two calls made so far

        SendOutcome.Retryable r = (SendOutcome.Retryable) adapter.send(AthenaFixture.write("condition"));

        assertThat(r.error().message()).isEqualTo("Daily API quota exhausted.");
        assertThat(r.retryAfter()).as("until X-RateLimit-Reset, not the per-second wait")
                .isGreaterThan(Duration.ofMinutes(1));
    }

    @Test
    void a_503_is_retryable_and_a_500_is_unknown() {
        AthenaSimulator sim = SIM.simulator();
        AthenaAdapter adapter = AthenaFixture.adapter(sim);
        adapter.send(AthenaFixture.write("condition"));
        sim.faults().errorRate(1.0, 503, 3, true);
        assertThat(adapter.send(AthenaFixture.write("condition"))).isInstanceOf(SendOutcome.Retryable.class);
        sim.faults().errorRate(1.0, 500, 0, true);
        assertThat(adapter.send(AthenaFixture.write("condition"))).isInstanceOf(SendOutcome.Unknown.class);
    }

    @Test
    void a_lost_answer_after_the_write_was_stored_is_unknown_not_retryable() {
        AthenaSimulator sim = SIM.simulator();
        AthenaAdapter adapter = AthenaFixture.adapter(sim);
        adapter.send(AthenaFixture.write("note"));
        sim.faults().commitThenReset(1.0);

        SendOutcome outcome = adapter.send(AthenaFixture.write("note"));

        assertThat(outcome).isInstanceOf(SendOutcome.Unknown.class);
        assertThat(sim.records("clinicaldocument", AthenaFixture.MARIA)).hasSize(2);
    }
}
