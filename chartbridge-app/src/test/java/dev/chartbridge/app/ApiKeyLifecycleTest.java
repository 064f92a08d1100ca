package dev.chartbridge.app;

import com.fasterxml.jackson.databind.JsonNode;
import dev.chartbridge.app.config.GatewayConfig;
import dev.chartbridge.core.ChartBridgeException;
import dev.chartbridge.core.testing.PostgresExtension;
import dev.chartbridge.simulators.fhir.FhirSimulatorExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * API keys have a lifecycle (issue #15): a key removed from the configuration stops working at the next start, a
 * weak key stops the start, and an administrator creates, rotates (with an overlap) and revokes keys, each audited,
 * seeing only their prefixes.
 */
class ApiKeyLifecycleTest {
    private static final String SPARE_KEY = "cbk_acmespar_V6b0Nq4Xt8Kw2Zc7Hm1Rf5Lp9Yd3Gj";

    @RegisterExtension
    static PostgresExtension pg = new PostgresExtension();
    @RegisterExtension
    static FhirSimulatorExtension ehr = new FhirSimulatorExtension();

    private static GatewayConfig withKeys(List<GatewayConfig.ApiKeyConfig> extra) {
        GatewayConfig c = TestGateway.config(pg.url(), ehr.simulator().baseUrl(), "keys-node",
                TestGateway.fastDelivery(), 4);
        GatewayConfig.TenantConfig t = c.tenants().get(0);
        List<GatewayConfig.ApiKeyConfig> keys = new ArrayList<>(t.apiKeys());
        keys.addAll(extra);
        return new GatewayConfig(c.database(), c.http(), c.delivery(), c.node(), c.security(), List.of(
                new GatewayConfig.TenantConfig(t.id(), t.name(), keys, t.connections()), c.tenants().get(1)));
    }

    private static GatewayConfig.ApiKeyConfig spare(String secret) throws IOException {
        return new GatewayConfig.ApiKeyConfig("spare", null, TestGateway.secretFile(secret).toString(), null,
                List.of("app"));
    }

    @Test
    void a_key_removed_from_the_configuration_gets_401_after_restart() throws Exception {
        try (TestGateway first = TestGateway.start(withKeys(List.of(spare(SPARE_KEY))))) {
            assertThat(new ApiClient(first.gateway().port(), SPARE_KEY).getWithKey("/v1/capabilities").status())
                    .isEqualTo(200);
        }
        try (TestGateway second = TestGateway.start(withKeys(List.of()))) {
            ApiClient.Answer removed = new ApiClient(second.gateway().port(), SPARE_KEY).getWithKey("/v1/capabilities");
            assertThat(removed.status()).isEqualTo(401);
            assertThat(second.getWithKey("/v1/capabilities").status()).as("a key still configured").isEqualTo(200);
            assertThat(pg.count("SELECT count(*) FROM audit_entry WHERE action = 'key.revoked'"
                    + " AND detail LIKE '%cbk_acmespar%' AND detail LIKE '%removed from the configuration%'"))
                    .isEqualTo(1);
        }
        // Configured again, the revoked key stays revoked: an old configuration does not bring back a leaked key.
        try (TestGateway third = TestGateway.start(withKeys(List.of(spare(SPARE_KEY))))) {
            assertThat(new ApiClient(third.gateway().port(), SPARE_KEY).getWithKey("/v1/capabilities").status())
                    .isEqualTo(401);
        }
    }

    @Test
    void the_key_of_a_tenant_no_longer_configured_is_refused() throws Exception {
        String goneKey = "cbk_gonetent_P2x6Vb0Nq8Kt4Zw1Hc5Rm9Lf3Yd7Gs";
        GatewayConfig base = withKeys(List.of());
        List<GatewayConfig.TenantConfig> tenants = new ArrayList<>(base.tenants());
        tenants.add(new GatewayConfig.TenantConfig("gone", "Gone Clinic", List.of(new GatewayConfig.ApiKeyConfig(
                "gone-app", null, TestGateway.secretFile(goneKey).toString())), List.of()));
        try (TestGateway before = TestGateway.start(new GatewayConfig(base.database(), base.http(), base.delivery(),
                base.node(), base.security(), tenants))) {
            assertThat(new ApiClient(before.gateway().port(), goneKey).getWithKey("/v1/capabilities").status())
                    .isEqualTo(200);
        }
        try (TestGateway after = TestGateway.start(base)) {
            assertThat(new ApiClient(after.gateway().port(), goneKey).getWithKey("/v1/capabilities").status())
                    .isEqualTo(401);
        }
    }

    @Test
    void a_weak_configured_key_stops_the_start_naming_its_configuration_path() {
        assertThatThrownBy(() -> TestGateway.start(withKeys(List.of(spare("cbk_short_key")))))
                .isInstanceOf(ChartBridgeException.class)
                .hasMessageContaining("tenants[0].apiKeys[5]").hasMessageContaining("label 'spare'")
                .hasMessageContaining("shorter than 32").hasMessageNotContaining("cbk_short_key");
        assertThatThrownBy(() -> TestGateway.start(withKeys(List.of(spare("cbk_" + "ab".repeat(20))))))
                .isInstanceOf(ChartBridgeException.class).hasMessageContaining("too predictable");
    }

    @Test
    void an_administrator_creates_rotates_and_revokes_keys_each_audited() {
        try (TestGateway node = TestGateway.start(withKeys(List.of()))) {
            ApiClient admin = new ApiClient(node.gateway().port(), TestGateway.ADMIN_ONLY_KEY);
            ApiClient.Answer created = admin.call("POST", "/v1/admin/keys",
                    "{\"label\":\"night reviewer\",\"roles\":[\"reviewer\"]}");
            assertThat(created.status()).as("%s", created.body()).isEqualTo(201);
            String secret = created.body().get("key").asText();
            String prefix = created.body().get("prefix").asText();
            String id = created.body().get("id").asText();
            assertThat(secret).startsWith(prefix + "_").hasSizeGreaterThan(50);
            assertThat(created.header("Location")).isEqualTo("/v1/admin/keys/" + id);

            ApiClient reviewer = new ApiClient(node.gateway().port(), secret);
            assertThat(reviewer.review("").status()).isEqualTo(200);
            assertThat(reviewer.submit(Events.bloodPressure(1), "keys-reviewer-submits").status()).isEqualTo(403);

            JsonNode listed = admin.getWithKey("/v1/admin/keys").body().get("items");
            assertThat(listed.findValuesAsText("prefix")).contains(prefix);
            assertThat(listed.toString()).doesNotContain(secret.substring(prefix.length() + 1))
                    .doesNotContain(TestGateway.KEY);

            // Rotation with an overlap: both keys work until the window ends.
            ApiClient.Answer rotated = admin.call("POST", "/v1/admin/keys/" + id + "/rotate",
                    "{\"overlapSeconds\":3600}");
            assertThat(rotated.status()).as("%s", rotated.body()).isEqualTo(201);
            String successor = rotated.body().get("key").asText();
            assertThat(rotated.body().at("/replaces/id").asText()).isEqualTo(id);
            assertThat(rotated.body().get("rotatedFrom").asText()).isEqualTo(id);
            assertThat(new ApiClient(node.gateway().port(), successor).review("").status()).isEqualTo(200);
            assertThat(reviewer.review("").status()).as("the old key within the overlap").isEqualTo(200);

            // Rotating the successor with no overlap ends it at once.
            String newId = rotated.body().get("id").asText();
            ApiClient.Answer cut = admin.call("POST", "/v1/admin/keys/" + newId + "/rotate", "{\"overlapSeconds\":0}");
            assertThat(cut.status()).isEqualTo(201);
            assertThat(new ApiClient(node.gateway().port(), successor).review("").status()).isEqualTo(401);

            ApiClient.Answer revoked = admin.call("POST", "/v1/admin/keys/" + id + "/revoke", null);
            assertThat(revoked.status()).isEqualTo(200);
            assertThat(revoked.body().get("revokedAt").isNull()).isFalse();
            assertThat(reviewer.review("").status()).isEqualTo(401);
            assertThat(admin.call("POST", "/v1/admin/keys/" + id + "/rotate", null).status())
                    .as("a revoked key cannot be rotated").isEqualTo(404);

            for (String action : List.of("key.created", "key.rotated", "key.revoked")) {
                assertThat(pg.count("SELECT count(*) FROM audit_entry WHERE action = '" + action + "' AND actor LIKE"
                        + " 'apikey:%' AND detail LIKE '%cbk_%'")).as(action).isPositive();
            }
            assertThat(pg.count("SELECT count(*) FROM audit_entry WHERE detail LIKE '%" + secret + "%'")).isZero();
        }
    }

    @Test
    void a_key_request_that_is_wrong_names_its_fields() {
        try (TestGateway node = TestGateway.start(withKeys(List.of()))) {
            ApiClient admin = new ApiClient(node.gateway().port(), TestGateway.ADMIN_ONLY_KEY);
            ApiClient.Answer bad = admin.call("POST", "/v1/admin/keys",
                    "{\"roles\":[\"root\"],\"expiresAt\":\"2001-01-01T00:00:00Z\",\"owner\":\"x\"}");
            assertThat(bad.status()).isEqualTo(400);
            assertThat(bad.body().get("errors").findValuesAsText("pointer"))
                    .containsExactlyInAnyOrder("/owner", "/label", "/roles/0", "/expiresAt");
            ApiClient.Answer expiring = admin.call("POST", "/v1/admin/keys",
                    "{\"label\":\"temp\",\"roles\":[\"app\"],\"expiresAt\":\"2099-01-01T00:00:00Z\"}");
            assertThat(expiring.body().get("expiresAt").asText()).startsWith("2099-01-01");
        }
    }
}
