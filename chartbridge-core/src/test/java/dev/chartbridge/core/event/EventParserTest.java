package dev.chartbridge.core.event;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.chartbridge.core.event.MedicationChangePayload;
import dev.chartbridge.core.event.VitalKind;
import dev.chartbridge.core.event.VitalsPayload;
import dev.chartbridge.core.json.FieldError;
import dev.chartbridge.core.json.Json;
import dev.chartbridge.core.testing.Examples;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class EventParserTest {
    private final EventParser parser = new EventParser(Clock.fixed(Instant.parse("2026-11-24T12:00:00Z"),
            ZoneOffset.UTC));

    private List<FieldError> errors(ObjectNode event) {
        ParseResult result = parser.parse(event);
        assertThat(result.isValid()).as("expected the event to be refused").isFalse();
        return result.errors();
    }

    @Test
    void every_published_example_is_valid() {
        for (String type : Examples.TYPES) {
            ParseResult result = parser.parse(Examples.load(type));
            assertThat(result.errors()).as(type).isEmpty();
            assertThat(result.event().type().wireName()).isEqualTo(type);
        }
    }

    @Test
    void vitals_are_read_into_typed_measurements() {
        VitalsPayload vitals = (VitalsPayload) parser.parse(Examples.load("vitals")).event().payload();
        assertThat(vitals.parts()).isEqualTo(2);
        assertThat(vitals.measurements().get(0).kind()).isEqualTo(VitalKind.BLOOD_PRESSURE);
        assertThat(vitals.measurements().get(0).systolic()).isEqualByComparingTo("128");
        assertThat(vitals.measurements().get(1).value()).isEqualByComparingTo("72");
    }

    @Test
    void every_invalid_field_is_reported_with_its_pointer() {
        ObjectNode event = Examples.load("vitals");
        event.put("occurredAt", "yesterday");
        ((ObjectNode) event.get("author")).put("npi", "1234567890");
        ((ObjectNode) event.at("/payload/measurements/1")).put("unit", "bpm");
        ((ObjectNode) event.at("/payload/measurements/0")).put("systolic", "high");
        event.remove("targets");

        assertThat(errors(event)).extracting(FieldError::pointer).containsExactlyInAnyOrder(
                "/occurredAt", "/author/npi", "/payload/measurements/1/unit", "/payload/measurements/0/systolic",
                "/targets");
        assertThat(errors(event)).filteredOn(e -> e.pointer().equals("/payload/measurements/1/unit"))
                .extracting(FieldError::detail).containsExactly("must be a UCUM unit accepted for heart-rate: /min");
    }

    @Test
    void unknown_fields_are_refused_by_name() {
        ObjectNode event = Examples.load("condition");
        ((ObjectNode) event.get("payload")).put("severity", "mild");
        assertThat(errors(event)).extracting(FieldError::pointer).containsExactly("/payload/severity");
    }

    @Test
    void ai_assisted_content_without_attestation_is_refused() {
        ObjectNode event = Examples.load("note");
        ((ObjectNode) event.get("provenance")).remove("attestation");
        assertThat(errors(event)).extracting(FieldError::pointer).containsExactly("/provenance/attestation");
    }

    @Test
    void an_event_dated_in_the_future_is_refused() {
        ObjectNode event = Examples.load("vitals");
        event.put("occurredAt", "2026-11-24T12:10:00Z");
        assertThat(errors(event)).extracting(FieldError::detail).containsExactly("must not be in the future");
    }

    @Test
    void pointer_tokens_are_escaped() {
        ObjectNode event = Examples.load("vitals");
        event.put("a/b~c", 1);
        assertThat(errors(event)).extracting(FieldError::pointer).containsExactly("/a~1b~0c");
    }

    @Test
    void a_medication_start_needs_dose_route_and_frequency_but_a_stop_does_not() {
        ObjectNode start = Examples.load("medication-change");
        ObjectNode payload = (ObjectNode) start.get("payload");
        payload.remove(List.of("dose", "route", "frequency"));
        assertThat(errors(start)).extracting(FieldError::pointer)
                .containsExactlyInAnyOrder("/payload/dose", "/payload/route", "/payload/frequency");

        payload.put("action", "stop");
        MedicationChangePayload stop = (MedicationChangePayload) parser.parse(start).event().payload();
        assertThat(stop.action()).isEqualTo("stop");
        assertThat(stop.doseValue()).isNull();
    }

    @Test
    void a_medication_dose_unit_must_be_a_ucum_code_the_gateway_knows() {
        ObjectNode change = Examples.load("medication-change");
        ((ObjectNode) change.at("/payload/dose")).put("unit", "milligrams");
        ((ObjectNode) change.at("/payload/medication")).put("code", "31407x");
        change.with("payload").put("route", "by mouth").put("frequency", "twice daily");
        assertThat(errors(change)).extracting(FieldError::pointer).containsExactlyInAnyOrder("/payload/dose/unit",
                "/payload/medication/code", "/payload/route", "/payload/frequency");

        ((ObjectNode) change.at("/payload/dose")).put("unit", "{tablet}");
        ((ObjectNode) change.at("/payload/medication")).put("code", "314076");
        change.with("payload").put("route", "oral").put("frequency", "BID");
        assertThat(((MedicationChangePayload) parser.parse(change).event().payload()).doseUnit()).isEqualTo("{tablet}");
    }

    @Test
    void wrong_json_types_name_the_expected_type() {
        ObjectNode event = Examples.load("follow-up-task");
        event.put("targets", "ehr");
        event.putArray("patient");
        assertThat(errors(event)).containsExactlyInAnyOrder(new FieldError("/targets", "must be an array"),
                new FieldError("/patient", "must be an object"));
    }

    @Test
    void a_body_that_is_not_an_object_is_refused_at_the_root() {
        ParseResult result = parser.parse(Json.MAPPER.createArrayNode());
        assertThat(result.errors()).containsExactly(new FieldError("", "must be an object"));
    }

    @Test
    void malformed_json_is_reported_with_its_position() {
        List<FieldError> errors = new java.util.ArrayList<>();
        assertThat(Json.parse("{\"type\": \"vitals\",,}".getBytes(), errors)).isNull();
        assertThat(errors).singleElement().satisfies(e -> {
            assertThat(e.pointer()).isEmpty();
            assertThat(e.detail()).startsWith("the body is not valid JSON at line 1, column 19");
        });
    }

    @Test
    void nesting_deeper_than_the_limit_is_refused_without_a_stack_overflow() {
        String deep = "[".repeat(5000) + "]".repeat(5000);
        List<FieldError> errors = new java.util.ArrayList<>();
        assertThat(Json.parse(deep.getBytes(), errors)).isNull();
        assertThat(errors.get(0).detail()).contains("not valid JSON");
    }

    @Test
    void canonical_json_sorts_keys_at_every_level() {
        ObjectNode a = (ObjectNode) Json.MAPPER.createObjectNode().put("b", 1).put("a", 2);
        a.putObject("c").put("z", 1).put("y", 2);
        assertThat(Json.canonical(a)).isEqualTo("{\"a\":2,\"b\":1,\"c\":{\"y\":2,\"z\":1}}");
    }
}
