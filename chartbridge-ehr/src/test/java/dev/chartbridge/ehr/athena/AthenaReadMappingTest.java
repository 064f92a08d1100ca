package dev.chartbridge.ehr.athena;

import com.fasterxml.jackson.databind.JsonNode;
import dev.chartbridge.core.json.Json;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The explicit read mapping against the answers the public sources recorded (HTD-Health/athena_health cassettes,
 * go-athenahealth fixtures, metriport's schemas), and the shapes it must not accept.
 */
class AthenaReadMappingTest {

    private static JsonNode json(String text) throws Exception {
        return Json.MAPPER.readTree(text);
    }

    @Test
    void a_recorded_problem_list_reads_as_code_and_start_date() throws Exception {
        // HTD-Health/athena_health spec/fixtures/vcr_cassettes/find_patient_problems.yml
        List<AthenaReadMapping.Row> rows = AthenaReadMapping.problems(json("{\"lastupdated\":\"02/19/2016\","
                + "\"totalcount\":1,\"problems\":[{\"problemid\":\"7128\",\"events\":[{\"source\":\"HISTORY\","
                + "\"eventtype\":\"START\",\"startdate\":\"02/19/2016\",\"diagnoses\":[]}],\"codeset\":\"SNOMED\","
                + "\"name\":\"Carpal tunnel syndrome\",\"code\":\"57406009\"}]}"));

        assertThat(rows).singleElement().satisfies(r -> {
            assertThat(r.id()).isEqualTo("7128");
            assertThat(r.fields()).containsEntry("code", "57406009").containsEntry("codeset", "SNOMED")
                    .containsEntry("startdate", "02/19/2016");
        });
    }

    @Test
    void recorded_medications_come_as_an_array_of_arrays_with_ids_that_are_not_numbers() throws Exception {
        // HTD-Health/athena_health spec/fixtures/vcr_cassettes/patient_medications.yml (shortened)
        List<AthenaReadMapping.Row> rows = AthenaReadMapping.medications(json("{\"medications\":[[{"
                + "\"medicationid\":\"236346\",\"medicationentryid\":\"C118016\",\"events\":[{\"eventdate\":"
                + "\"06/02/2016\",\"type\":\"ENTER\"}],\"medication\":\"Plavix 75 mg tablet\","
                + "\"unstructuredsig\":\"Take 75 mg by oral route in the morning.\"}]]}"));

        assertThat(rows).singleElement().satisfies(r -> {
            assertThat(r.id()).isEqualTo("C118016");
            assertThat(r.fields()).containsEntry("medicationid", "236346");
            assertThat(r.createdOn()).hasToString("2016-06-02");
        });
    }

    @Test
    void a_recorded_allergy_list_reads_by_allergen_with_its_reaction_codes() throws Exception {
        // HTD-Health/athena_health spec/fixtures/vcr_cassettes/patient_allergies.yml (shortened)
        List<AthenaReadMapping.Row> rows = AthenaReadMapping.allergies(json("{\"nkda\":\"false\",\"allergies\":["
                + "{\"allergenname\":\"weed pollen\",\"onsetdate\":\"01/01/2010\",\"allergenid\":\"92193\","
                + "\"reactions\":[{\"reactionname\":\"chest pain\",\"snomedcode\":\"29857009\"}]}]}"));

        assertThat(rows).singleElement().satisfies(r -> assertThat(r.fields())
                .containsEntry("allergenid", "92193").containsEntry("reactions", "29857009"));
    }

    @Test
    void answers_in_an_unknown_shape_are_unrecognised_never_an_empty_list() {
        assertThatThrownBy(() -> AthenaReadMapping.problems(json("{\"Problems\":[]}")))
                .isInstanceOf(AthenaReadMapping.Unrecognised.class);
        assertThatThrownBy(() -> AthenaReadMapping.vitals(json("{\"vitals\":[]}")))
                .isInstanceOf(AthenaReadMapping.Unrecognised.class);
        assertThatThrownBy(() -> AthenaReadMapping.vitals(json("[{\"key\":\"PULSE\",\"readings\":[[{"
                + "\"clinicalElementId\":\"VITALS.HEARTRATE\",\"value\":\"72\"}]]}]")))
                .as("a reading without its vitalid").isInstanceOf(AthenaReadMapping.Unrecognised.class);
        assertThatThrownBy(() -> AthenaReadMapping.allergies(json("{\"allergies\":[],\"totalcount\":3}")))
                .as("a list shorter than its count").isInstanceOf(AthenaReadMapping.Unrecognised.class);
    }

    @Test
    void success_is_recognised_as_a_string_or_a_boolean_and_nothing_else() throws Exception {
        assertThat(AthenaOutcomes.success(json("{\"success\":\"true\"}"))).isTrue();
        assertThat(AthenaOutcomes.success(json("{\"success\":true}"))).isTrue();
        assertThat(AthenaOutcomes.success(json("{\"success\":\"false\",\"errormessage\":\"x\"}"))).isFalse();
        assertThat(AthenaOutcomes.success(json("{\"Success\":\"true\"}"))).isNull();
        assertThat(AthenaOutcomes.success(json("{\"success\":\"ok\"}"))).isNull();
    }
}
