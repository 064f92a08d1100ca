package dev.chartbridge.ehr.fhir;

import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Encounter;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Resource;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** A searchset read as the specification says: matches of the searched type only, outcomes as messages. */
class SearchsetTest {

    private static OperationOutcome outcome(OperationOutcome.IssueSeverity severity) {
        OperationOutcome oo = new OperationOutcome();
        oo.addIssue().setSeverity(severity).setDiagnostics("4101 no results");
        return oo;
    }

    @Test
    void only_match_entries_of_the_searched_type_are_results_and_outcome_entries_are_warnings() {
        Bundle page = new Bundle().setType(Bundle.BundleType.SEARCHSET);
        page.addEntry().setResource(new Patient().setId("p1")).getSearch().setMode(Bundle.SearchEntryMode.MATCH);
        page.addEntry().setResource(new Patient().setId("p2")); // no mode: a match
        page.addEntry().setResource(new Patient().setId("p3")).getSearch().setMode(Bundle.SearchEntryMode.INCLUDE);
        page.addEntry().setResource(new Encounter().setId("e1")).getSearch().setMode(Bundle.SearchEntryMode.MATCH);
        page.addEntry().setResource(outcome(OperationOutcome.IssueSeverity.WARNING)).getSearch()
                .setMode(Bundle.SearchEntryMode.OUTCOME);
        List<Resource> matches = new ArrayList<>();
        List<String> warnings = new ArrayList<>();

        Searchset.read(page, "Patient", matches, warnings, "GET Patient?identifier");

        assertThat(matches).extracting(r -> r.getIdElement().getIdPart()).containsExactly("p1", "p2");
        assertThat(warnings).containsExactly("4101 no results");
    }

    @Test
    void an_error_outcome_in_the_searchset_means_the_search_failed() {
        Bundle page = new Bundle().setType(Bundle.BundleType.SEARCHSET);
        page.addEntry().setResource(new Patient().setId("p1"));
        page.addEntry().setResource(outcome(OperationOutcome.IssueSeverity.ERROR)).getSearch()
                .setMode(Bundle.SearchEntryMode.OUTCOME);

        assertThatThrownBy(() -> Searchset.read(page, "Patient", new ArrayList<>(), new ArrayList<>(), "GET Patient"))
                .isInstanceOf(Searchset.Failed.class).hasMessageContaining("the search failed");
    }
}
