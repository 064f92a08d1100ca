package dev.chartbridge.core.release;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.chartbridge.core.event.ClinicalEvent;
import dev.chartbridge.core.event.EventParser;
import dev.chartbridge.core.event.EventStatus;
import dev.chartbridge.core.event.OperationState;
import dev.chartbridge.core.intake.ReleaseControlParser;
import dev.chartbridge.core.json.FieldError;
import dev.chartbridge.core.json.Json;
import dev.chartbridge.core.testing.Examples;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

class ReleaseControlTest {
    private static final ClinicalEvent NOTE = new EventParser(Clock.systemUTC()).parse(Examples.load("note")).event();

    @Test
    void without_an_allowlist_every_event_gets_the_mode() {
        assertThat(new ReleaseControl("ehr", "note", ReleaseMode.SHADOW, Set.of(), Set.of(), null).modeFor(NOTE))
                .isEqualTo(ReleaseMode.SHADOW);
        assertThat(ReleaseControl.live("ehr", "note").modeFor(NOTE)).isEqualTo(ReleaseMode.LIVE);
    }

    @Test
    void a_listed_patient_or_author_gets_the_mode_and_everyone_else_the_fallback() {
        ReleaseControl byPatient = new ReleaseControl("ehr", "note", ReleaseMode.LIVE,
                Set.of("urn:chartbridge:sim:mrn|1001"), Set.of(), ReleaseMode.OFF);
        ReleaseControl byAuthor = new ReleaseControl("ehr", "note", ReleaseMode.LIVE, Set.of(), Set.of("1234567893"),
                ReleaseMode.OFF);
        ReleaseControl neither = new ReleaseControl("ehr", "note", ReleaseMode.LIVE,
                Set.of("urn:chartbridge:sim:mrn|1002"), Set.of("1245319599"), null);
        assertThat(byPatient.modeFor(NOTE)).isEqualTo(ReleaseMode.LIVE);
        assertThat(byAuthor.modeFor(NOTE)).isEqualTo(ReleaseMode.LIVE);
        assertThat(neither.modeFor(NOTE)).as("default fallback").isEqualTo(ReleaseMode.SHADOW);
    }

    @Test
    void the_parser_names_every_bad_field() {
        ObjectNode body = Json.MAPPER.createObjectNode().put("target", "ehr").put("eventType", "lab")
                .put("mode", "dark").put("otherwise", "live").put("extra", 1);
        List<FieldError> errors = new ArrayList<>();
        assertThat(ReleaseControlParser.parse(body, errors)).isNull();
        assertThat(errors).extracting(FieldError::pointer).contains("/extra");
        errors.clear();
        body.remove("extra");
        assertThat(ReleaseControlParser.parse(body, errors)).isNull();
        assertThat(errors).extracting(FieldError::pointer).containsExactly("/eventType", "/mode", "/otherwise");
    }

    @Test
    void a_shadowed_write_is_left_out_of_the_event_status_unless_every_write_is_shadowed() {
        assertThat(EventStatus.of(List.of(OperationState.SHADOWED, OperationState.SHADOWED)))
                .isEqualTo(EventStatus.SHADOWED);
        assertThat(EventStatus.of(List.of(OperationState.SHADOWED, OperationState.VERIFIED)))
                .isEqualTo(EventStatus.DELIVERED);
        assertThat(EventStatus.of(List.of(OperationState.SHADOWED, OperationState.DUE)))
                .isEqualTo(EventStatus.IN_PROGRESS);
        assertThat(EventStatus.of(List.of(OperationState.SHADOWED, OperationState.REJECTED)))
                .isEqualTo(EventStatus.FAILED);
        assertThat(EventStatus.SHADOWED.wireName()).isEqualTo("shadowed");
    }
}
