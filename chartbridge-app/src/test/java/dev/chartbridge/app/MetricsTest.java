package dev.chartbridge.app;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.chartbridge.app.config.GatewayConfig;
import dev.chartbridge.core.json.Json;
import dev.chartbridge.core.testing.PostgresExtension;
import dev.chartbridge.simulators.epic.EpicSimulator;
import dev.chartbridge.simulators.fhir.FhirSimulatorExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Metrics that answer and alert (issue #14, item 3): after a fault run against the simulators (a rate limit, a
 * refusal, a lost answer found by reconciliation, a replay, a webhook), {@code /metrics} has every family with its
 * labels, and the shipped alert rules and Grafana dashboard name only metrics and labels that exist.
 */
class MetricsTest {
    @RegisterExtension
    static PostgresExtension pg = new PostgresExtension();
    @RegisterExtension
    static FhirSimulatorExtension ehr = new FhirSimulatorExtension();

    private static final Path OPS = Path.of("..", "ops");
    private static EpicSimulator epic;
    private static TestGateway gateway;
    private static WebhookReceiver receiver;
    private static Map<String, Set<String>> families;

    @BeforeAll
    static void faultRun() throws Exception {
        epic = EpicSimulator.start();
        receiver = new WebhookReceiver(0);
        GatewayConfig c = TestGateway.config(pg.url(), ehr.simulator().baseUrl(), "metrics-node",
                TestGateway.fastDelivery(), 4).with(WebhookReceiver.fastLoopback(), null);
        GatewayConfig.TenantConfig t = c.tenants().get(0);
        List<GatewayConfig.ConnectionConfig> connections = new ArrayList<>(t.connections());
        connections.add(new GatewayConfig.ConnectionConfig("epic", "epic", epic.baseUrl(), epic.tokenUrl(),
                "chartbridge-metrics", null, null, null, null, null, null, null, List.of("vitals"), 2, 3_000L));
        gateway = TestGateway.start(new GatewayConfig(c.database(), c.http(), c.delivery(), c.node(), c.security(),
                List.of(new GatewayConfig.TenantConfig(t.id(), t.name(), t.apiKeys(), connections), c.tenants().get(1)),
                c.webhooks(), c.readBack()));
        ApiClient.Answer hook = gateway.call("POST", "/v1/webhooks", "{\"url\":\"" + receiver.url("/hooks") + "\"}");
        receiver.secret(hook.body().get("secret").asText());

        // A rate limit: 429 with Retry-After until the write has waited once, then it goes through.
        ehr.simulator().faults().tooManyRequestsRate(1.0, 1, true);
        ApiClient.Answer limited = gateway.submit(Events.bloodPressure(9101), "metrics-limited");
        String limitedId = limited.body().get("id").asText();
        gateway.await(limitedId, s -> s.toString().contains("RATE_LIMITED"), Duration.ofSeconds(30));
        ehr.simulator().faults().clear();
        assertThat(gateway.awaitSettled(limitedId).get("status").asText()).isEqualTo("delivered");
        // The same event again: a replay, not a second write.
        assertThat(gateway.submit(Events.bloodPressure(9101), "metrics-limited").status()).isEqualTo(202);
        // A refusal: 400 answered, the write ends REJECTED.
        ehr.simulator().faults().errorRate(1.0, 400, null, true);
        JsonNode rejected = gateway.awaitSettled(gateway.submit(Events.bloodPressure(9102), "metrics-rejected")
                .body().get("id").asText());
        ehr.simulator().faults().clear();
        assertThat(rejected.at("/operations/0/state").asText()).isEqualTo("REJECTED");
        // A lost answer: stored, no response; reconciliation finds it instead of sending again.
        ehr.simulator().faults().commitThenTimeout(1.0, 2_500);
        String lostId = gateway.submit(Events.bloodPressure(9103), "metrics-lost").body().get("id").asText();
        gateway.await(lostId, s -> s.at("/operations/0/sends").asInt() >= 1
                && !s.at("/operations/0/state").asText().equals("IN_FLIGHT"), Duration.ofSeconds(30));
        ehr.simulator().faults().clear();
        assertThat(gateway.awaitSettled(lostId).get("status").asText()).isEqualTo("delivered");
        receiver.await(r -> r.answered() == 204, Duration.ofSeconds(30));
        families = awaitScrape(text -> text.contains("state=\"REJECTED\"") && parse(text).containsKey(
                "chartbridge_webhook_deliveries_total") && sampleOf(text, "chartbridge_writes", "REJECTED") >= 1);
    }

    @AfterAll
    static void stop() {
        gateway.close();
        receiver.close();
        epic.close();
    }

    @Test
    void every_family_is_there_with_its_labels_after_a_fault_run() {
        Set<String> perConnection = Set.of("tenant", "connection", "vendor");
        expect("chartbridge_writes", perConnection, "state");
        expect("chartbridge_outbox_lag_seconds", perConnection);
        expect("chartbridge_attempts_total", perConnection, "step", "outcome", "error_class", "http_status");
        expect("chartbridge_ehr_call_seconds_bucket", perConnection, "step", "le");
        expect("chartbridge_delivery_latency_seconds_bucket", perConnection, "le");
        expect("chartbridge_deliveries_total", perConnection, "state");
        expect("chartbridge_retries_total", perConnection);
        expect("chartbridge_rate_limit_waits_total", perConnection);
        expect("chartbridge_conflicts_total", perConnection);
        expect("chartbridge_idempotency_suppressions_total", perConnection, "kind");
        expect("chartbridge_token_requests_total", perConnection, "outcome");
        expect("chartbridge_webhook_deliveries_total", Set.of("tenant", "outcome"));
        expect("chartbridge_connection_up", perConnection);
    }

    @Test
    void the_fault_run_shows_in_the_values() {
        String text = gateway.get("/metrics").text();
        assertThat(text).containsPattern("chartbridge_attempts_total\\{[^}]*error_class=\"RATE_LIMITED\""
                + "[^}]*http_status=\"429\"[^}]*} [1-9]");
        assertThat(text).containsPattern("chartbridge_rate_limit_waits_total\\{connection=\"ehr\"[^}]*} [1-9]");
        assertThat(text).containsPattern("chartbridge_retries_total\\{connection=\"ehr\"[^}]*} [1-9]");
        assertThat(text).containsPattern("chartbridge_idempotency_suppressions_total\\{[^}]*kind=\"replayed\"[^}]*} 1");
        assertThat(text).containsPattern("chartbridge_idempotency_suppressions_total\\{connection=\"ehr\","
                + "kind=\"reconciled\"[^}]*} [1-9]");
        assertThat(text).containsPattern("chartbridge_token_requests_total\\{connection=\"epic\"[^}]*} [1-9]");
        assertThat(text).containsPattern("chartbridge_webhook_deliveries_total\\{outcome=\"delivered\""
                + ",tenant=\"acme\"} [1-9]");
        assertThat(sampleOf(text, "chartbridge_writes", "REJECTED")).isEqualTo(1);
    }

    @Test
    void the_alert_rules_name_only_metrics_and_labels_that_exist() throws Exception {
        JsonNode rules = new YAMLMapper().readTree(Files.readString(OPS.resolve("prometheus/chartbridge-alerts.yml")));
        List<String> alerts = new ArrayList<>();
        for (JsonNode group : rules.get("groups")) {
            for (JsonNode rule : group.get("rules")) {
                alerts.add(rule.get("alert").asText());
                checkExpression(rule.get("alert").asText(), rule.get("expr").asText());
            }
        }
        assertThat(alerts).contains("ChartBridgeWritesStuck", "ChartBridgeConnectionDown",
                "ChartBridgeReviewQueueGrowing", "ChartBridgeRateLimitSaturated");
    }

    @Test
    void the_dashboard_names_only_metrics_and_labels_that_exist() throws Exception {
        JsonNode dashboard = Json.MAPPER.readTree(Files.readString(OPS.resolve("grafana/chartbridge.json")));
        int expressions = 0;
        for (JsonNode panel : dashboard.get("panels")) {
            for (JsonNode target : panel.get("targets")) {
                checkExpression(panel.get("title").asText(), target.get("expr").asText());
                expressions++;
            }
        }
        for (JsonNode variable : dashboard.at("/templating/list")) {
            if (variable.get("type").asText().equals("query")) {
                checkExpression(variable.get("name").asText(), variable.get("query").asText());
            }
        }
        assertThat(expressions).isGreaterThan(10);
    }

    // --- PromQL names: every chartbridge_ metric an expression names, with the label names it matches on ---------

    private static final Pattern SELECTOR = Pattern.compile("(chartbridge_[a-zA-Z0-9_]+)(\\{([^}]*)})?");
    private static final Pattern MATCHER = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)\\s*(=~|!~|!=|=)");

    private static void checkExpression(String where, String expr) {
        Matcher m = SELECTOR.matcher(expr);
        boolean any = false;
        while (m.find()) {
            any = true;
            String name = m.group(1);
            String family = name;
            assertThat(families).as("%s names %s", where, name).containsKey(family);
            if (m.group(3) != null) {
                Matcher label = MATCHER.matcher(m.group(3));
                while (label.find()) {
                    assertThat(families.get(family)).as("%s: label %s of %s", where, label.group(1), name)
                            .contains(label.group(1));
                }
            }
        }
        assertThat(any).as("%s names a chartbridge metric: %s", where, expr).isTrue();
    }

    private static void expect(String family, Set<String> labels, String... more) {
        assertThat(families).as("family %s", family).containsKey(family);
        assertThat(families.get(family)).as(family).containsAll(labels).containsAll(List.of(more));
    }

    /** Metric name to the label names seen on any of its samples. */
    private static Map<String, Set<String>> parse(String text) {
        Map<String, Set<String>> out = new java.util.HashMap<>();
        for (String line : text.lines().toList()) {
            if (line.startsWith("#") || line.isBlank()) {
                continue;
            }
            int brace = line.indexOf('{');
            int space = line.indexOf(' ');
            String name = line.substring(0, brace >= 0 && brace < space ? brace : space);
            Set<String> labels = out.computeIfAbsent(name, k -> new TreeSet<>());
            if (brace >= 0 && brace < space) {
                Matcher label = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"").matcher(
                        line.substring(brace, line.lastIndexOf('}')));
                while (label.find()) {
                    labels.add(label.group(1));
                }
            }
        }
        return out;
    }

    /** The value of {@code name} for the generic connection in {@code state}; -1 when absent. */
    private static double sampleOf(String text, String name, String state) {
        Matcher m = Pattern.compile(name + "\\{connection=\"ehr\",state=\"" + state + "\"[^}]*} (\\S+)")
                .matcher(text);
        return m.find() ? Double.parseDouble(m.group(1)) : -1;
    }

    private static Map<String, Set<String>> awaitScrape(java.util.function.Predicate<String> ready)
            throws InterruptedException {
        Instant deadline = Instant.now().plus(Duration.ofSeconds(30));
        String text;
        do {
            text = gateway.get("/metrics").text();
            if (ready.test(text)) {
                return parse(text);
            }
            Thread.sleep(100);
        } while (Instant.now().isBefore(deadline));
        throw new AssertionError("metrics not there yet:\n" + text);
    }
}
