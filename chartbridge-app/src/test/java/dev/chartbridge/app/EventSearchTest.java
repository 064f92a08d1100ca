package dev.chartbridge.app;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.chartbridge.app.cli.ChartBridgeCli;
import dev.chartbridge.core.tenant.ApiKeys;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import picocli.CommandLine;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code GET /v1/events}, {@code GET /v1/operations} and {@code chartbridge events search|show} on the real database:
 * writes delivered, failed and held for approval, found by each filter, paged by an opaque cursor that neither
 * repeats nor skips an event when new ones arrive, and never across tenants.
 */
class EventSearchTest {
    @RegisterExtension
    static GatewayExtension env = new GatewayExtension("search-node", t -> t);

    /** A key of the other tenant, issued before the tests. */
    static String OTHER_KEY;
    static final String MARIA = "urn:chartbridge:sim:mrn|1001";
    static final String JOHN = "urn:chartbridge:sim:mrn|1002";
    static final String ANA = "urn:chartbridge:sim:mrn|1003";
    static String verified;
    static String dead;
    static String held;
    static Instant start;

    @BeforeAll
    static void writes() {
        start = Instant.now().minusSeconds(1);
        OTHER_KEY = new ApiKeys(env.gateway().gateway().jdbc()).issue("other", "test", "tests",
                java.util.Set.of(dev.chartbridge.core.tenant.KeyRole.APP, dev.chartbridge.core.tenant.KeyRole.REVIEWER,
                        dev.chartbridge.core.tenant.KeyRole.ADMIN), null).secret();
        verified = submit(Events.bloodPressureSpread(1));
        assertThat(env.gateway().awaitSettled(verified).at("/operations/0/state").asText()).isEqualTo("VERIFIED");
        env.ehr().faults().errorRate(1.0, 503, null, true);
        try {
            dead = submit(Events.bloodPressureSpread(2));
            assertThat(env.gateway().awaitSettled(dead).at("/operations/0/state").asText()).isEqualTo("DEAD");
        } finally {
            env.ehr().faults().clear();
        }
        held = submit(Events.of("medication-change"));
    }

    @Test
    void events_are_found_by_patient_state_type_error_class_author_and_time() {
        assertThat(ids("/v1/events?patient=" + q(JOHN))).containsExactly(verified);
        assertThat(ids("/v1/events?patient=" + q(ANA))).containsExactly(dead);
        assertThat(ids("/v1/events?patient=" + q(MARIA))).contains(held).doesNotContain(verified, dead);
        assertThat(ids("/v1/events?state=DEAD")).containsExactly(dead);
        assertThat(ids("/v1/events?state=AWAITING_APPROVAL")).containsExactly(held);
        assertThat(ids("/v1/events?errorClass=TRANSIENT")).containsExactly(dead);
        assertThat(ids("/v1/events?type=medication-change")).containsExactly(held);
        assertThat(ids("/v1/events?type=vitals&target=" + TestGateway.TARGET)).contains(verified, dead)
                .doesNotContain(held);
        assertThat(ids("/v1/events?author=1234567893")).contains(verified, dead, held);
        assertThat(ids("/v1/events?author=1245319599")).isEmpty();
        assertThat(ids("/v1/events?since=" + q(start.toString()) + "&until=" + q(start.plusSeconds(3600).toString())))
                .contains(verified, dead, held);
        assertThat(ids("/v1/events?until=" + q(start.toString()))).isEmpty();
        assertThat(ids("/v1/events?target=elsewhere")).isEmpty();

        JsonNode one = item(ok("/v1/events?patient=" + q(ANA)), dead);
        assertThat(one.get("type").asText()).isEqualTo("vitals");
        assertThat(one.get("status").asText()).isEqualTo("failed");
        assertThat(one.at("/operations/0/state").asText()).isEqualTo("DEAD");
        assertThat(one.at("/operations/0/errorClass").asText()).isEqualTo("TRANSIENT");
        assertThat(one.toString()).doesNotContain("1003"); // the identifier searched for is not echoed back
    }

    @Test
    void operations_are_found_by_the_same_filters() {
        JsonNode page = ok("/v1/operations?state=DEAD");
        assertThat(page.get("items")).hasSize(1);
        JsonNode op = page.at("/items/0");
        assertThat(op.get("eventId").asText()).isEqualTo(dead);
        assertThat(op.get("errorClass").asText()).isEqualTo("TRANSIENT");
        assertThat(op.get("errorDetail").asText()).isNotBlank();
        assertThat(op.get("eventType").asText()).isEqualTo("vitals");
        assertThat(op.get("target").asText()).isEqualTo(TestGateway.TARGET);
        assertThat(ok("/v1/operations?patient=" + q(MARIA) + "&type=medication-change").get("items")
                .findValuesAsText("eventId")).containsOnly(held);
        assertThat(ok("/v1/operations?state=VERIFIED&patient=" + q(JOHN)).get("items").findValuesAsText("eventId"))
                .containsExactly(verified);
    }

    @Test
    void pages_follow_an_opaque_cursor_without_repeats_or_gaps_while_events_arrive() {
        List<String> newest = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            newest.add(0, submit(Events.bloodPressureSpread(30 + 3 * i)));
        }
        JsonNode first = ok("/v1/events?limit=2&type=vitals");
        assertThat(ids(first)).containsExactlyElementsOf(newest.subList(0, 2));
        ApiClient.Answer firstAnswer = env.gateway().getWithKey("/v1/events?limit=2&type=vitals");
        assertThat(firstAnswer.header("Link")).contains("cursor=" + first.get("next").asText()).contains("rel=\"next\"")
                .contains("type=vitals");

        String arrivedMeanwhile = submit(Events.bloodPressureSpread(60));
        List<String> seen = new ArrayList<>(ids(first));
        JsonNode page = first;
        while (page.hasNonNull("next")) {
            page = ok("/v1/events?limit=2&type=vitals&cursor=" + page.get("next").asText());
            seen.addAll(ids(page));
        }
        assertThat(seen).doesNotHaveDuplicates().doesNotContain(arrivedMeanwhile)
                .containsSubsequence(newest).contains(verified, dead).doesNotContain(held);
        assertThat(seen.indexOf(dead)).isLessThan(seen.indexOf(verified));
    }

    @Test
    void another_tenant_sees_none_of_these_events() {
        ApiClient other = new ApiClient(env.gateway().gateway().port(), OTHER_KEY);
        assertThat(other.getWithKey("/v1/events").body().get("items")).isEmpty();
        assertThat(other.getWithKey("/v1/operations?state=DEAD").body().get("items")).isEmpty();
        assertThat(other.getWithKey("/v1/events?patient=" + q(ANA)).body().get("items")).isEmpty();
    }

    @Test
    void invalid_filters_are_refused_naming_each_parameter() {
        ApiClient.Answer a = env.gateway().getWithKey("/v1/events?patient=1003&state=GONE&type=x&since=yesterday"
                + "&limit=501&cursor=not-a-cursor");
        assertThat(a.status()).isEqualTo(400);
        assertThat(a.body().get("errors").findValuesAsText("pointer")).containsExactlyInAnyOrder("query:patient",
                "query:state", "query:type", "query:since", "query:limit", "query:cursor");
        assertThat(env.gateway().get("/v1/operations").status()).isEqualTo(401);
    }

    @Test
    void support_finds_and_shows_an_event_from_the_command_line() {
        String[] search = {"events", "search", "--db-url", env.pg().url(), "--tenant", TestGateway.TENANT,
                "--patient", ANA, "--state", "DEAD"};
        Run found = run(search);
        assertThat(found.code()).as(found.out()).isZero();
        assertThat(found.out()).contains("\"id\":\"" + dead + "\"").doesNotContain(verified);
        Run shown = run("events", "show", "--db-url", env.pg().url(), "--tenant", TestGateway.TENANT, dead);
        assertThat(shown.code()).as(shown.out()).isZero();
        assertThat(shown.out()).contains("\"state\" : \"DEAD\"").contains("\"errorClass\" : \"TRANSIENT\"")
                .contains("\"action\" : \"event.accepted\"");
        assertThat(run("events", "show", "--db-url", env.pg().url(), "--tenant", "other", dead).code()).isEqualTo(1);
        assertThat(run("events", "search", "--db-url", env.pg().url(), "--tenant", TestGateway.TENANT, "--state",
                "GONE").code()).isEqualTo(2);
    }

    record Run(int code, String out) {
    }

    private static Run run(String... args) {
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        PrintStream original = System.out;
        System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            int code = new CommandLine(new ChartBridgeCli()).execute(args);
            return new Run(code, captured.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(original);
        }
    }

    private static String submit(ObjectNode event) {
        ApiClient.Answer a = env.gateway().submit(event, null);
        assertThat(a.status()).as(a.text()).isEqualTo(202);
        return a.body().get("id").asText();
    }

    private static JsonNode ok(String path) {
        ApiClient.Answer a = env.gateway().getWithKey(path);
        assertThat(a.status()).as(a.text()).isEqualTo(200);
        return a.body();
    }

    private static List<String> ids(String path) {
        return ids(ok(path));
    }

    private static List<String> ids(JsonNode page) {
        List<String> out = new ArrayList<>();
        page.get("items").forEach(i -> out.add(i.get("id").asText()));
        return out;
    }

    private static JsonNode item(JsonNode page, String id) {
        for (JsonNode i : page.get("items")) {
            if (i.get("id").asText().equals(id)) {
                return i;
            }
        }
        throw new AssertionError("no item " + id + " in " + page);
    }

    private static String q(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
