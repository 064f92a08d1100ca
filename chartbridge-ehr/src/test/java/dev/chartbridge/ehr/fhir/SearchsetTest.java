package dev.chartbridge.ehr.fhir;

import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Encounter;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Resource;
import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicInteger;

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

    @Test
    void a_search_with_more_pages_than_are_read_fails_rather_than_concluding_from_the_first_pages() throws Exception {
        HttpServer ehr = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        AtomicInteger pages = new AtomicInteger();
        ehr.createContext("/fhir", exchange -> {
            int n = pages.incrementAndGet();
            String base = "http://127.0.0.1:" + ehr.getAddress().getPort() + "/fhir";
            byte[] body = ("{\"resourceType\":\"Bundle\",\"type\":\"searchset\",\"link\":[{\"relation\":\"next\","
                    + "\"url\":\"" + base + "/Condition?patient=p1&page=" + (n + 1) + "\"}],\"entry\":[{\"resource\":"
                    + "{\"resourceType\":\"Condition\",\"id\":\"c" + n + "\"}}]}").getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "application/fhir+json");
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        ehr.start();
        try {
            FhirServer server = new FhirServer(FhirConnection.of("http://127.0.0.1:" + ehr.getAddress().getPort()
                    + "/fhir"), List.of());
            Searchset searches = new Searchset(server, java.util.function.Supplier::get);

            assertThatThrownBy(() -> searches.run(SearchRules.of("eclinicalworks").query("Condition")
                    .with("patient", "p1")))
                    .isInstanceOf(Searchset.Failed.class).hasMessageContaining("more than " + Searchset.MAX_PAGES)
                    .satisfies(f -> assertThat(((Searchset.Failed) f).error().vendorCode()).as("not retried as passing")
                            .isEqualTo("ambiguous"));
            assertThat(pages.get()).isEqualTo(Searchset.MAX_PAGES);
        } finally {
            ehr.stop(0);
        }
    }
}
