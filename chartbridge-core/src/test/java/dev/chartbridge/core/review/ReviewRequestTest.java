package dev.chartbridge.core.review;

import com.fasterxml.jackson.databind.JsonNode;
import dev.chartbridge.core.event.EventStatus;
import dev.chartbridge.core.event.OperationState;
import dev.chartbridge.core.json.FieldError;
import dev.chartbridge.core.json.Json;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Review request parsing, the candidates named by a reconciliation, and what a discard does to event status. */
class ReviewRequestTest {
    @Test
    void a_complete_request_is_read_with_its_fields_trimmed() {
        List<FieldError> errors = new ArrayList<>();
        ReviewRequest r = ReviewRequest.parse(json("{\"action\":\"mark-delivered\",\"actor\":\" 1245319599 \","
                + "\"reason\":\"found it\",\"remoteId\":\"obs-7\"}"), errors);

        assertThat(errors).isEmpty();
        assertThat(r).isEqualTo(new ReviewRequest(ReviewAction.MARK_DELIVERED, "1245319599", "found it", "obs-7"));
    }

    @Test
    void each_missing_or_invalid_field_is_named() {
        assertThat(pointers("{}")).containsExactly("/action", "/actor");
        assertThat(pointers("{\"action\":\"undo\",\"actor\":\"u\"}")).containsExactly("/action");
        assertThat(pointers("{\"action\":\"resend-anyway\",\"actor\":\"u\",\"reason\":\"  \"}"))
                .containsExactly("/reason");
        assertThat(pointers("{\"action\":\"mark-delivered\",\"actor\":\"u\"}")).containsExactly("/remoteId");
        assertThat(pointers("{\"action\":\"retry\",\"actor\":7}")).containsExactly("/actor");
        assertThat(pointers("{\"action\":\"retry\",\"actor\":\"" + "x".repeat(201) + "\"}"))
                .containsExactly("/actor");
        assertThat(pointers("[]")).containsExactly("");
    }

    @Test
    void candidates_are_read_from_an_ambiguous_reconciliation_only() {
        assertThat(ReviewQueries.candidates("several records match this write: Observation/4, Observation/9"))
                .containsExactly("Observation/4", "Observation/9");
        assertThat(ReviewQueries.candidates("the EHR dropped or altered: component")).isEmpty();
        assertThat(ReviewQueries.candidates(null)).isEmpty();
    }

    @Test
    void a_discarded_write_no_longer_needs_review_and_counts_as_not_written() {
        assertThat(OperationState.DISCARDED.isTerminal()).isTrue();
        assertThat(OperationState.DISCARDED.needsReview()).isFalse();
        assertThat(OperationState.DISCARDED.isWritten()).isFalse();
        assertThat(EventStatus.of(List.of(OperationState.DISCARDED))).isEqualTo(EventStatus.DISCARDED);
        assertThat(EventStatus.of(List.of(OperationState.DISCARDED, OperationState.VERIFIED)))
                .isEqualTo(EventStatus.PARTIALLY_DELIVERED);
        assertThat(EventStatus.of(List.of(OperationState.DISCARDED, OperationState.MODIFIED)))
                .isEqualTo(EventStatus.NEEDS_REVIEW);
    }

    private static List<String> pointers(String body) {
        List<FieldError> errors = new ArrayList<>();
        assertThat(ReviewRequest.parse(json(body), errors)).isNull();
        return errors.stream().map(FieldError::pointer).toList();
    }

    private static JsonNode json(String s) {
        try {
            return Json.MAPPER.readTree(s);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
