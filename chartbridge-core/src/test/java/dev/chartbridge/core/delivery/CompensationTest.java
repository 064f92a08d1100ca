package dev.chartbridge.core.delivery;

import dev.chartbridge.core.adapter.FindOutcome;
import dev.chartbridge.core.adapter.SendOutcome;
import dev.chartbridge.core.review.ReviewAction;
import dev.chartbridge.core.review.ReviewQueue;
import dev.chartbridge.core.review.ReviewRequest;
import dev.chartbridge.core.tenant.TenantPolicy;
import dev.chartbridge.core.testing.PostgresExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Fan-out compensation ({@code entered-in-error}) is decided only when every write of the event has a definitive
 * fate: some written, some definitively failed (REJECTED, DEAD, or DISCARDED when nothing of it can have landed);
 * never while one is in review, ambiguous or still on its way.
 */
class CompensationTest {
    @RegisterExtension
    static PostgresExtension pg = new PostgresExtension();

    private static Rig rig() {
        return new Rig(pg, Rig.POLICY, TenantPolicy.ENTERED_IN_ERROR, "a", "b");
    }

    private static long decisions(Rig rig, UUID event) {
        return rig.count("SELECT count(*) FROM audit_entry WHERE event_id = '" + event
                + "' AND action IN ('compensation.planned', 'compensation.skipped')");
    }

    private static long compensations(Rig rig, UUID event) {
        return rig.count("SELECT count(*) FROM write_operation WHERE event_id = '" + event + "' AND kind = 'compensate'");
    }

    @Test
    void a_rejected_sibling_marks_the_written_one_entered_in_error() {
        Rig rig = rig();
        rig.ehr("b").onSend = w -> TestAdapter.rejected();
        UUID event = rig.submit("a", "b");

        rig.runDue();
        rig.runDue();

        assertThat(rig.state(rig.operation(event, "b"))).isEqualTo("REJECTED");
        assertThat(compensations(rig, event)).isEqualTo(1);
        assertThat(rig.ehr("a").enteredInError).hasSize(1);
    }

    @Test
    void a_dead_sibling_marks_the_written_one_entered_in_error() {
        Rig rig = rig();
        rig.ehr("b").onSend = w -> TestAdapter.unavailable();
        UUID event = rig.submit("a", "b");
        UUID b = rig.operation(event, "b");

        for (int i = 0; i < 20 && !rig.state(b).equals("DEAD"); i++) {
            rig.runWhenDue(b);
        }
        rig.runDue();

        assertThat(rig.state(b)).isEqualTo("DEAD");
        assertThat(rig.ehr("a").enteredInError).hasSize(1);
    }

    @Test
    void a_sibling_in_review_decides_nothing() {
        Rig rig = rig();
        // a search after an unknown outcome finds several candidates: ambiguous, in review
        rig.ehr("b").onSend = w -> new SendOutcome.Unknown("read timed out", TestAdapter.exchange(0));
        UUID event = rig.submit("a", "b");
        UUID b = rig.operation(event, "b");
        rig.runDue();
        rig.ehr("b").onFind = w -> new FindOutcome.Ambiguous(java.util.List.of(
                new dev.chartbridge.core.adapter.RemoteRef("DocumentReference", "x1", null),
                new dev.chartbridge.core.adapter.RemoteRef("DocumentReference", "x2", null)), TestAdapter.exchange(200));
        rig.runWhenDue(b);

        assertThat(rig.state(b)).isEqualTo("NEEDS_REVIEW");
        assertThat(rig.state(rig.operation(event, "a"))).isEqualTo("VERIFIED");
        assertThat(decisions(rig, event)).isZero();
        assertThat(compensations(rig, event)).isZero();
    }

    @Test
    void a_sibling_still_on_its_way_decides_nothing() {
        Rig rig = rig();
        rig.ehr("b").onSend = w -> TestAdapter.noToken();
        UUID event = rig.submit("a", "b");

        rig.runDue();

        assertThat(rig.state(rig.operation(event, "a"))).isEqualTo("VERIFIED");
        assertThat(rig.state(rig.operation(event, "b"))).isEqualTo("RETRY_WAIT");
        assertThat(decisions(rig, event)).isZero();
    }

    @Test
    void a_discard_of_a_write_that_never_landed_decides_and_one_that_may_have_landed_does_not() {
        Rig rig = rig();
        rig.ehr("b").onSend = w -> new SendOutcome.Conflict(dev.chartbridge.core.adapter.VendorError.of(
                dev.chartbridge.core.adapter.ErrorClass.DUPLICATE, "HTTP 409"), TestAdapter.exchange(409));
        UUID clear = rig.submit("a", "b");
        rig.runDue();
        ReviewQueue review = new ReviewQueue(rig.jdbc, new FanOutCompensation(rig.targets, "gateway:review"));
        assertThat(decisions(rig, clear)).as("CONFLICT is a review state").isZero();

        review.act(rig.tenant, "apikey:test", rig.operation(clear, "b"),
                new ReviewRequest(ReviewAction.DISCARD, "dr-lee", "sent by hand", null));

        assertThat(compensations(rig, clear)).isEqualTo(1);

        rig.ehr("b").onSend = w -> new SendOutcome.Unknown("connection reset", TestAdapter.exchange(0));
        rig.ehr("b").onFind = w -> new FindOutcome.Ambiguous(java.util.List.of(
                new dev.chartbridge.core.adapter.RemoteRef("DocumentReference", "x1", null),
                new dev.chartbridge.core.adapter.RemoteRef("DocumentReference", "x2", null)), TestAdapter.exchange(200));
        UUID unclear = rig.submit("a", "b");
        rig.runDue();
        rig.runWhenDue(rig.operation(unclear, "b"));
        review.act(rig.tenant, "apikey:test", rig.operation(unclear, "b"),
                new ReviewRequest(ReviewAction.DISCARD, "dr-lee", "will check the chart", null));

        assertThat(rig.state(rig.operation(unclear, "b"))).isEqualTo("DISCARDED");
        assertThat(decisions(rig, unclear)).as("the discarded send may have landed").isZero();
    }

    @Test
    void a_sibling_in_review_that_is_retried_and_verified_is_never_compensated() {
        Rig rig = rig();
        rig.ehr("b").onSend = w -> new SendOutcome.Conflict(dev.chartbridge.core.adapter.VendorError.of(
                dev.chartbridge.core.adapter.ErrorClass.DUPLICATE, "HTTP 409"), TestAdapter.exchange(409));
        UUID event = rig.submit("a", "b");
        rig.runDue();
        rig.ehr("b").onSend = rig.ehr("b")::create;

        new ReviewQueue(rig.jdbc).act(rig.tenant, "apikey:test", rig.operation(event, "b"),
                new ReviewRequest(ReviewAction.RETRY, "dr-lee", "fixed in the EHR", null));
        rig.runDue();

        assertThat(rig.state(rig.operation(event, "b"))).isEqualTo("VERIFIED");
        assertThat(decisions(rig, event)).isZero();
        assertThat(rig.ehr("a").enteredInError).isEmpty();
    }
}
