package dev.chartbridge.core.search;

import dev.chartbridge.core.event.Identifier;
import dev.chartbridge.core.event.OperationState;
import dev.chartbridge.core.testing.PostgresExtension;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every search filter is served by an index on a history of 100,000 events (V40 and the patient GIN index): the
 * plan PostgreSQL chooses for each never scans the events or writes tables whole, and a page holds what it should.
 */
class SearchPlanTest {
    @RegisterExtension
    static PostgresExtension pg = new PostgresExtension();

    static final int EVENTS = 100_000;

    @BeforeAll
    static void history() {
        pg.execute("INSERT INTO tenant (id, name) VALUES ('acme', 'Acme'), ('other', 'Other')");
        // 1,000 patients, 50 authors, 7 types, one event every 20 s back from now; 1% DEAD, 1% NEEDS_REVIEW.
        pg.execute("INSERT INTO clinical_event (id, tenant_id, idempotency_key, body_hash, event_type, schema_version,"
                + " body, accepted_at) SELECT gen_random_uuid(), CASE WHEN g % 50 = 7 THEN 'other' ELSE 'acme' END,"
                + " 'k' || g, 'h' || g, (ARRAY['vitals','note','condition','allergy','medication-change',"
                + "'follow-up-task','consent'])[1 + g % 7], '1', jsonb_build_object('patient', jsonb_build_object("
                + "'identifiers', jsonb_build_array(jsonb_build_object('system', 'urn:mrn', 'value', (g % 1000)::text)"
                + ")), 'author', jsonb_build_object('npi', (1000000000 + g % 50)::text)),"
                + " now() - g * interval '20 seconds' FROM generate_series(1, " + EVENTS + ") g");
        pg.execute("INSERT INTO write_operation (id, event_id, tenant_id, target, vendor, part, resource_type,"
                + " operation_key, state, error_class, created_at, updated_at) SELECT gen_random_uuid(), e.id,"
                + " e.tenant_id, CASE WHEN n % 2 = 0 THEN 'ehr' ELSE 'epic' END, 'fhir-r4', 0, 'Observation',"
                + " 'op' || n, CASE n % 100 WHEN 0 THEN 'DEAD' WHEN 1 THEN 'NEEDS_REVIEW' ELSE 'VERIFIED' END,"
                + " CASE n % 100 WHEN 0 THEN 'TRANSIENT' WHEN 1 THEN 'DUPLICATE' END, e.accepted_at, e.accepted_at"
                + " FROM (SELECT id, tenant_id, accepted_at, substr(idempotency_key, 2)::int AS n FROM clinical_event) e");
        // As autovacuum leaves them: statistics, and the GIN index's pending list merged.
        pg.execute("VACUUM ANALYZE clinical_event");
        pg.execute("VACUUM ANALYZE write_operation");
    }

    static SearchFilter filter(Identifier patient, OperationState state, String target, String type,
                               String errorClass, Instant since, String author) {
        return new SearchFilter(patient, state, target, type, errorClass, since, null, author, null, 50);
    }

    static Stream<SearchFilter> filters() {
        Instant hourAgo = Instant.now().minus(1, ChronoUnit.HOURS);
        Identifier patient = new Identifier("urn:mrn", "421");
        return Stream.of(
                SearchFilter.all(),
                filter(patient, null, null, null, null, null, null),
                filter(null, OperationState.DEAD, null, null, null, null, null),
                filter(null, null, "epic", null, null, null, null),
                filter(null, null, null, "medication-change", null, null, null),
                filter(null, null, null, null, "TRANSIENT", null, null),
                filter(null, null, null, null, null, hourAgo, null),
                filter(null, null, null, null, null, null, "1000000017"),
                filter(patient, OperationState.VERIFIED, "ehr", "vitals", null, null, null),
                SearchFilter.all().after(new SearchCursor(Instant.now().minus(5, ChronoUnit.DAYS),
                        java.util.UUID.randomUUID())));
    }

    @ParameterizedTest
    @MethodSource("filters")
    void each_event_search_uses_an_index(SearchFilter f) {
        String plan = plan("events " + f, Search.eventsQuery("acme", f));
        assertThat(plan).doesNotContain("Seq Scan on clinical_event").doesNotContain("Seq Scan on write_operation");
    }

    @ParameterizedTest
    @MethodSource("filters")
    void each_operation_search_uses_an_index(SearchFilter f) {
        String plan = plan("operations " + f, Search.operationsQuery("acme", f));
        assertThat(plan).doesNotContain("Seq Scan on clinical_event").doesNotContain("Seq Scan on write_operation");
    }

    @Test
    void a_page_holds_only_matching_rows_of_the_tenant_newest_first() {
        Search search = new Search(pg.jdbc());
        SearchPage<EventSummary> dead = search.events("acme", filter(null, OperationState.DEAD, null, null,
                "TRANSIENT", null, null));
        assertThat(dead.items()).hasSize(50);
        assertThat(dead.next()).isNotNull();
        assertThat(dead.items()).allSatisfy(e -> assertThat(e.operations()).extracting(EventSummary.Write::state)
                .containsExactly("DEAD"));
        List<Instant> times = dead.items().stream().map(EventSummary::acceptedAt).toList();
        assertThat(times).isSortedAccordingTo(java.util.Comparator.reverseOrder());
        // g % 1000 = 421 and g % 50 = 21 (never 7): 100 events, all the tenant's, in two pages.
        SearchPage<EventSummary> first = search.events("acme", filter(new Identifier("urn:mrn", "421"), null, null,
                null, null, null, null));
        SearchPage<EventSummary> second = search.events("acme", filter(new Identifier("urn:mrn", "421"), null,
                null, null, null, null, null).after(first.next()));
        assertThat(first.items()).hasSize(50);
        assertThat(second.items()).hasSize(50);
        assertThat(second.next()).isNull();
        assertThat(search.events("other", filter(new Identifier("urn:mrn", "421"), null, null, null, null, null,
                null)).items()).isEmpty();
    }

    private static String plan(String label, Search.Query q) {
        return pg.jdbc().read(c -> {
            StringBuilder out = new StringBuilder("== ").append(label).append('\n');
            try (PreparedStatement ps = q.prepare(c, "EXPLAIN (ANALYZE, BUFFERS) " + q.sql());
                 ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.append(rs.getString(1)).append('\n');
                }
            }
            // The figures for docs: each plan and its execution time, printed, never asserted.
            System.out.println(out);
            return out.toString();
        });
    }
}
