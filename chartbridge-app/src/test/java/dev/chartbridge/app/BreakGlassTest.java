package dev.chartbridge.app;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.chartbridge.app.config.GatewayConfig;
import dev.chartbridge.core.testing.PostgresExtension;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Break-glass: a physician may override the consent and patient-context gates with a reason; the override is its
 * own audit entry, counted and reported. Without a reason, for a gate that may never be overridden, or by a role
 * the tenant does not allow, it is refused.
 */
class BreakGlassTest {
    private static final String REASON = "Unconscious patient in the emergency department; consent cannot be asked";

    @RegisterExtension
    static GatewayExtension node = new GatewayExtension("glass-node", t ->
            new GatewayConfig.TenantConfig(t.id(), t.name(), t.apiKeys(), t.connections(), "treatment",
                    List.of("physician"), null));
    static PostgresExtension pg;
    static TestGateway gateway;

    @BeforeAll
    static void bind() {
        pg = node.pg();
        gateway = node.gateway();
    }

    @Test
    void a_consent_override_without_a_reason_or_for_a_gate_never_overridden_is_refused_naming_the_header() {
        ApiClient.Answer noReason = gateway.submitWithHeaders(Events.bloodPressure(1), "bg-no-reason",
                "X-Break-Glass", "consent");
        assertThat(noReason.status()).isEqualTo(400);
        assertThat(noReason.body().at("/errors/0/pointer").asText()).isEqualTo("header:X-Break-Glass-Reason");

        ApiClient.Answer attestation = gateway.submitWithHeaders(Events.bloodPressure(2), "bg-attestation",
                "X-Break-Glass", "ai-attestation", "X-Break-Glass-Reason", REASON);
        assertThat(attestation.status()).isEqualTo(400);
        assertThat(attestation.body().at("/errors/0/pointer").asText()).isEqualTo("header:X-Break-Glass");
        assertThat(attestation.body().at("/errors/0/detail").asText()).contains("may never be overridden");
        assertThat(node.eventsStored("bg-%")).isZero();
        assertThat(pg.count("SELECT count(*) FROM audit_entry WHERE action = 'gate.overridden'"
                + " AND detail LIKE '%bg-%'")).isZero();
    }

    @Test
    void a_physician_overrides_the_consent_gate_with_a_reason_and_it_is_audited_counted_and_reported() {
        double before = counter("consent");
        ApiClient.Answer accepted = gateway.submitWithHeaders(Events.bloodPressure(3), "bg-consent",
                "X-Break-Glass", "consent", "X-Break-Glass-Reason", REASON);
        assertThat(accepted.status()).as("%s", accepted.body()).isEqualTo(202);
        String id = accepted.body().get("id").asText();
        assertThat(gateway.awaitSettled(id).get("status").asText()).isEqualTo("delivered");

        JsonNode override = gateway.status(id).body().get("timeline").findParents("action").stream()
                .filter(e -> e.get("action").asText().equals("gate.overridden")).findFirst().orElseThrow();
        assertThat(override.get("actor").asText()).isEqualTo("user:1234567893");
        assertThat(override.get("detail").asText()).contains("\"gate\":\"consent\"").contains(REASON)
                .contains("no active treatment consent is on record").contains("\"role\":\"physician\"");
        assertThat(counter("consent")).isEqualTo(before + 1);

        JsonNode report = gateway.admin().getWithKey("/v1/break-glass").body();
        assertThat(report.at("/counts/consent").asLong()).isGreaterThanOrEqualTo(1);
        assertThat(report.get("items").findValuesAsText("eventId")).contains(id);
        assertThat(report.get("items").findValuesAsText("reason")).contains(REASON);
        assertThat(new ApiClient(gateway.gateway().port(), TestGateway.APP_KEY).getWithKey("/v1/break-glass").status())
                .as("an app's key").isEqualTo(403);
        assertThat(gateway.admin().getWithKey("/v1/break-glass?from=yesterday").body().at("/errors/0/pointer")
                .asText()).isEqualTo("query:from");
    }

    @Test
    void a_role_the_tenant_does_not_allow_cannot_break_the_glass_and_the_refusal_is_audited() {
        ObjectNode byNurse = Events.bloodPressure(4);
        ((ObjectNode) byNurse.get("author")).put("role", "registered-nurse");
        ApiClient.Answer refused = gateway.submitWithHeaders(byNurse, "nurse-glass",
                "X-Break-Glass", "consent", "X-Break-Glass-Reason", REASON);
        assertThat(refused.status()).isEqualTo(422);
        assertThat(refused.body().at("/errors/0/pointer").asText()).isEqualTo("/author/role");
        assertThat(refused.body().at("/errors/0/detail").asText())
                .contains("a registered-nurse may not override the consent gate");
        assertThat(node.refusalsAudited("registered-nurse may not override the consent gate")).isEqualTo(1);
        assertThat(node.eventsStored("nurse-glass")).isZero();
    }

    @Test
    void the_patient_context_binding_is_overridden_with_consent_and_each_gate_is_its_own_entry() {
        double before = counter("patient-context");
        ApiClient.Answer accepted = gateway.submitWithHeaders(Events.bloodPressure(5), "bg-context",
                "X-Patient-Context", "urn:chartbridge:sim:mrn|1002",
                "X-Break-Glass", "patient-context, consent", "X-Break-Glass-Reason", REASON);
        assertThat(accepted.status()).as("%s", accepted.body()).isEqualTo(202);
        String id = accepted.body().get("id").asText();
        assertThat(pg.count("SELECT count(*) FROM audit_entry WHERE action = 'gate.overridden'"
                + " AND event_id = '" + id + "'")).isEqualTo(2);
        assertThat(pg.count("SELECT count(*) FROM audit_entry WHERE action = 'gate.overridden'"
                + " AND event_id = '" + id + "' AND detail LIKE '%\"gate\":\"patient-context\"%'"
                + " AND detail LIKE '%does not name the patient this caller is bound to%'")).isEqualTo(1);
        assertThat(counter("patient-context")).isEqualTo(before + 1);
    }

    /** The break-glass counter for the test tenant and a gate, from the Prometheus scrape; 0 before the first. */
    private static double counter(String gate) {
        String prefix = "chartbridge_break_glass_total{gate=\"" + gate + "\",tenant=\"acme\"";
        return gateway.get("/metrics").text().lines().filter(l -> l.startsWith(prefix))
                .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).findFirst().orElse(0);
    }
}
