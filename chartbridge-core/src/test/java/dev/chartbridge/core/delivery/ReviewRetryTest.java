package dev.chartbridge.core.delivery;

import dev.chartbridge.core.adapter.SendOutcome;
import dev.chartbridge.core.event.OperationState;
import dev.chartbridge.core.review.ReviewAction;
import dev.chartbridge.core.review.ReviewFilter;
import dev.chartbridge.core.review.ReviewItem;
import dev.chartbridge.core.review.ReviewQueries;
import dev.chartbridge.core.review.ReviewQueue;
import dev.chartbridge.core.review.ReviewRequest;
import dev.chartbridge.core.tenant.TenantPolicy;
import dev.chartbridge.core.testing.PostgresExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A write that ended DEAD or REJECTED can be listed with filters and retried once its cause is fixed, alone or in
 * bulk, each retry audited with who and why; a retry starts with a search whenever an earlier send may have
 * landed.
 */
class ReviewRetryTest {
    @RegisterExtension
    static PostgresExtension pg = new PostgresExtension();

    private static final ReviewRequest RETRY = new ReviewRequest(ReviewAction.RETRY, "dr-lee",
            "the EHR is back up", null);

    private static UUID dead(Rig rig, String target) {
        rig.ehr(target).onSend = w -> TestAdapter.unavailable();
        UUID op = rig.operation(rig.submit(target), target);
        for (int i = 0; i < 20 && !rig.state(op).equals("DEAD"); i++) {
            rig.runWhenDue(op);
        }
        assertThat(rig.state(op)).isEqualTo("DEAD");
        return op;
    }

    @Test
    void a_dead_write_retried_after_the_ehr_recovers_is_verified_with_one_record() {
        Rig rig = new Rig(pg, "ehr");
        UUID op = dead(rig, "ehr");
        TestAdapter ehr = rig.ehr("ehr");
        ehr.onSend = ehr::create;

        ReviewQueue.Result result = new ReviewQueue(rig.jdbc).act(rig.tenant, "apikey:test", op, RETRY);
        rig.runDue();

        assertThat(result.outcome()).isEqualTo(ReviewQueue.Outcome.DONE);
        assertThat(result.to()).as("every send was clearly refused: sent again").isEqualTo(OperationState.DUE);
        assertThat(rig.state(op)).isEqualTo("VERIFIED");
        assertThat(ehr.created.get()).isEqualTo(1);
        assertThat(rig.audit(op, "review.retry")).contains("\"actor\":\"dr-lee\"")
                .contains("\"reason\":\"the EHR is back up\"").contains("\"previousState\":\"DEAD\"");
    }

    @Test
    void a_dead_write_one_of_whose_sends_may_have_landed_is_searched_before_any_send() {
        Rig rig = new Rig(pg, "ehr");
        TestAdapter ehr = rig.ehr("ehr");
        ehr.onSend = w -> new SendOutcome.Unknown("read timed out", TestAdapter.exchange(0));
        UUID op = rig.operation(rig.submit("ehr"), "ehr");
        rig.runDue();
        ehr.onSend = w -> TestAdapter.unavailable();
        for (int i = 0; i < 20 && !rig.state(op).equals("DEAD"); i++) {
            rig.runWhenDue(op);
        }
        assertThat(rig.state(op)).isEqualTo("DEAD");
        // the EHR had taken that first send after all
        ehr.records.put(rig.pg("SELECT operation_key FROM write_operation WHERE id = '" + op + "'"), "r-landed");
        int sendsBefore = ehr.sends.get();
        ehr.onSend = ehr::create;

        ReviewQueue.Result result = new ReviewQueue(rig.jdbc).act(rig.tenant, "apikey:test", op, RETRY);
        rig.runWhenDue(op);

        assertThat(result.to()).isEqualTo(OperationState.UNKNOWN);
        assertThat(rig.state(op)).isEqualTo("VERIFIED");
        assertThat(ehr.sends.get()).as("found, so never sent again").isEqualTo(sendsBefore);
        assertThat(ehr.created.get()).isZero();
    }

    @Test
    void a_rejected_write_is_retried_and_a_verified_one_is_not() {
        Rig rig = new Rig(pg, "ehr");
        TestAdapter ehr = rig.ehr("ehr");
        ehr.onSend = w -> TestAdapter.rejected();
        UUID op = rig.operation(rig.submit("ehr"), "ehr");
        rig.runDue();
        ehr.onSend = ehr::create;
        ReviewQueue queue = new ReviewQueue(rig.jdbc);

        assertThat(queue.act(rig.tenant, "apikey:test", op, RETRY).to()).isEqualTo(OperationState.DUE);
        rig.runDue();
        assertThat(rig.state(op)).isEqualTo("VERIFIED");
        assertThat(queue.act(rig.tenant, "apikey:test", op, RETRY).outcome())
                .isEqualTo(ReviewQueue.Outcome.NOT_IN_REVIEW);
        assertThat(queue.act(rig.tenant, "apikey:test", op,
                new ReviewRequest(ReviewAction.DISCARD, "dr-lee", "no", null)).outcome())
                .isEqualTo(ReviewQueue.Outcome.NOT_IN_REVIEW);
    }

    @Test
    void bulk_retry_takes_only_the_writes_the_filter_matches() {
        Rig rig = new Rig(pg, "a", "b");
        UUID a1 = dead(rig, "a");
        UUID a2 = dead(rig, "a");
        UUID b1 = dead(rig, "b");
        rig.ehr("a").onSend = rig.ehr("a")::create;

        List<ReviewItem> listed = new ReviewQueries(rig.jdbc).list(rig.tenant,
                new ReviewFilter(OperationState.DEAD, "a", "TRANSIENT", null, null, 50));
        ReviewQueue.BulkResult result = new ReviewQueue(rig.jdbc).retryAll(rig.tenant, "apikey:test",
                new ReviewFilter(null, "a", "TRANSIENT", null, null, 50), "dr-lee", "EHR a is back up");
        rig.runDue();
        rig.runDue(); // the second of the patient's writes is released when the first is written

        assertThat(listed).extracting(ReviewItem::id).containsExactlyInAnyOrder(a1, a2);
        assertThat(result.retried()).isEqualTo(2);
        assertThat(rig.state(a1)).isEqualTo("VERIFIED");
        assertThat(rig.state(a2)).isEqualTo("VERIFIED");
        assertThat(rig.state(b1)).isEqualTo("DEAD");
        assertThat(rig.audit(a1, "review.retry")).contains("\"bulk\":true").contains("\"actor\":\"dr-lee\"");
    }

    @Test
    void waiting_writes_are_listed_by_state_and_time_window() {
        Rig rig = new Rig(pg, "ehr");
        rig.ehr("ehr").onSend = w -> TestAdapter.noToken();
        UUID op = rig.operation(rig.submit("ehr"), "ehr");
        rig.runDue();
        ReviewQueries queries = new ReviewQueries(rig.jdbc);

        List<ReviewItem> waiting = queries.list(rig.tenant,
                new ReviewFilter(OperationState.RETRY_WAIT, null, "AUTH", null, null, 50));
        List<ReviewItem> later = queries.list(rig.tenant, new ReviewFilter(OperationState.RETRY_WAIT, null, null,
                java.time.Instant.now().plusSeconds(3600), null, 50));

        assertThat(waiting).extracting(ReviewItem::id).containsExactly(op);
        assertThat(waiting.get(0).errorDetail()).startsWith("not sent");
        assertThat(later).isEmpty();
    }

    @Test
    void a_failed_write_whose_siblings_were_compensated_is_not_retried() {
        Rig rig = new Rig(pg, Rig.POLICY, TenantPolicy.ENTERED_IN_ERROR, "a", "b");
        rig.ehr("b").onSend = w -> TestAdapter.rejected();
        UUID event = rig.submit("a", "b");
        rig.runDue();
        rig.runDue();

        ReviewQueue.Result result = new ReviewQueue(rig.jdbc).act(rig.tenant, "apikey:test",
                rig.operation(event, "b"), RETRY);

        assertThat(result.outcome()).isEqualTo(ReviewQueue.Outcome.COMPENSATED);
        assertThat(rig.state(rig.operation(event, "b"))).isEqualTo("REJECTED");
    }
}
