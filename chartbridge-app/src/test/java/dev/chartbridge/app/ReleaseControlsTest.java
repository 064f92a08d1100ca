package dev.chartbridge.app;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.chartbridge.app.config.GatewayConfig;
import dev.chartbridge.core.testing.PostgresExtension;
import dev.chartbridge.simulators.RecordedRequest;
import dev.chartbridge.simulators.fhir.SeedData;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Release controls per target and event type: shadow renders and sends nothing, off refuses at intake, an
 * allowlist releases some events only; the configuration seeds them and every change is audited.
 */
class ReleaseControlsTest {
    @RegisterExtension
    static GatewayExtension node = new GatewayExtension("release-node", t ->
            new GatewayConfig.TenantConfig(t.id(), t.name(), t.apiKeys(), t.connections().stream()
                    .map(c -> c.withRelease(Map.of("vitals", GatewayConfig.ReleaseConfig.of("shadow"))))
                    .toList()));
    static PostgresExtension pg;
    static TestGateway gateway;

    @BeforeAll
    static void bind() {
        pg = node.pg();
        gateway = node.gateway();
    }

    /** The audit entries of one action, as "actor detail". */
    private static List<String> audited(String action) {
        return pg.jdbc().read(c -> {
            List<String> rows = new ArrayList<>();
            try (var ps = c.prepareStatement("SELECT actor, detail FROM audit_entry WHERE action = ? ORDER BY id")) {
                ps.setString(1, action);
                try (var rs = ps.executeQuery()) {
                    while (rs.next()) {
                        rows.add(rs.getString(1) + " " + rs.getString(2));
                    }
                }
            }
            return rows;
        });
    }

    @Test
    void a_shadowed_write_sends_nothing_and_its_event_shows_the_rendered_request() {
        ApiClient.Answer controls = gateway.getWithKey("/v1/release-controls");
        assertThat(controls.status()).isEqualTo(200);
        JsonNode vitals = controls.body().get("controls").findParents("eventType").stream()
                .filter(c -> c.get("eventType").asText().equals("vitals")).findFirst().orElseThrow();
        assertThat(vitals.get("mode").asText()).isEqualTo("shadow");
        assertThat(vitals.get("updatedBy").asText()).isEqualTo("config");
        assertThat(audited("release.changed")).contains("config {\"after\":{\"allowAuthors\":[],\"allowPatients\":[],"
                + "\"mode\":\"shadow\",\"otherwise\":\"shadow\"},\"before\":{\"allowAuthors\":[],"
                + "\"allowPatients\":[],\"mode\":\"live\",\"otherwise\":\"live\"},\"eventType\":\"vitals\","
                + "\"target\":\"ehr\"}");

        ApiClient.Answer accepted = gateway.submit(Events.bloodPressure(7), "bp-shadow");
        assertThat(accepted.status()).isEqualTo(202);
        assertThat(accepted.body().at("/operations/0/shadow").asBoolean()).isTrue();
        JsonNode status = gateway.awaitSettled(accepted.body().get("id").asText());

        assertThat(status.get("status").asText()).isEqualTo("shadowed");
        JsonNode op = status.at("/operations/0");
        assertThat(op.get("state").asText()).isEqualTo("SHADOWED");
        assertThat(op.get("sends").asInt()).isZero();
        assertThat(op.at("/rendered/method").asText()).isEqualTo("POST");
        assertThat(op.at("/rendered/path").asText()).isEqualTo("Observation");
        assertThat(op.at("/rendered/headers/If-None-Exist").asText()).startsWith("identifier=urn:chartbridge:write|");
        assertThat(op.at("/rendered/body").asText()).contains("\"resourceType\":\"Observation\"")
                .contains("\"value\":107").contains("urn:chartbridge:write");
        assertThat(op.at("/attempts/0/step").asText()).isEqualTo("RENDER");
        assertThat(op.at("/attempts/0/outcome").asText()).isEqualTo("shadowed");
        assertThat(status.get("timeline").findValuesAsText("action")).contains("operation.shadowed");

        assertThat(node.ehr().stats().journal().all()).extracting(RecordedRequest::method)
                .as("lookups only, no write").doesNotContain("POST", "PUT");
        assertThat(node.ehr().resourcesForPatient(SeedData.PATIENT_MARIA))
                .noneMatch(r -> r.fhirType().equals("Observation"));
        assertThat(pg.count("SELECT count(*) FROM shadow_request")).isEqualTo(1);
    }

    @Test
    void an_off_type_is_refused_at_intake_naming_target_and_type_and_the_change_is_audited() {
        ApiClient.Answer set = gateway.admin().putReleaseControl(
                "{\"target\":\"ehr\",\"eventType\":\"allergy\",\"mode\":\"off\"}");
        assertThat(set.status()).isEqualTo(200);
        assertThat(set.body().get("changed").asBoolean()).isTrue();
        assertThat(set.body().at("/before/mode").asText()).isEqualTo("live");
        assertThat(set.body().at("/after/mode").asText()).isEqualTo("off");
        assertThat(audited("release.changed")).anySatisfy(e -> assertThat(e).startsWith("apikey:")
                .contains("\"after\":{\"allowAuthors\":[],\"allowPatients\":[],\"mode\":\"off\"")
                .contains("\"before\":{\"allowAuthors\":[],\"allowPatients\":[],\"mode\":\"live\"")
                .contains("\"eventType\":\"allergy\""));

        ApiClient.Answer refused = gateway.submit(Events.of("allergy"), "allergy-off");
        assertThat(refused.status()).isEqualTo(422);
        assertThat(refused.body().get("type").asText()).endsWith("/gate-refused");
        assertThat(refused.body().at("/errors/0/pointer").asText()).isEqualTo("/targets/0");
        assertThat(refused.body().at("/errors/0/detail").asText()).contains("ehr").contains("allergy")
                .contains("mode off");
        assertThat(node.refusalsAudited("release control: target ehr takes no allergy events")).isEqualTo(1);
        assertThat(node.eventsStored("allergy-off")).isZero();

        ApiClient.Answer again = gateway.admin().putReleaseControl(
                "{\"target\":\"ehr\",\"eventType\":\"allergy\",\"mode\":\"off\"}");
        assertThat(again.body().get("changed").asBoolean()).as("same value").isFalse();
        assertThat(pg.count("SELECT count(*) FROM audit_entry WHERE action = 'release.changed'"
                + " AND detail LIKE '%\"eventType\":\"allergy\"%'")).as("nothing new to audit").isEqualTo(1);
    }

    @Test
    void an_allowlist_releases_listed_authors_and_the_others_follow_the_fallback_mode() {
        assertThat(gateway.admin().putReleaseControl("{\"target\":\"ehr\",\"eventType\":\"note\",\"mode\":\"live\","
                + "\"allowAuthors\":[\"1234567893\"],\"otherwise\":\"off\"}").status()).isEqualTo(200);

        ObjectNode unlisted = Events.of("note");
        ((ObjectNode) unlisted.get("author")).put("npi", "1245319599").put("role", "physician");
        ((ObjectNode) unlisted.at("/provenance/attestation")).put("byNpi", "1245319599");
        ApiClient.Answer refused = gateway.submit(unlisted, "note-unlisted");
        assertThat(refused.status()).as("%s", refused.body()).isEqualTo(422);
        assertThat(refused.body().at("/errors/0/detail").asText()).contains("not on the allowlist");

        ApiClient.Answer listed = gateway.submit(Events.of("note"), "note-listed");
        assertThat(listed.status()).isEqualTo(202);
        assertThat(listed.body().at("/operations/0/shadow").asBoolean()).isFalse();
        assertThat(gateway.awaitSettled(listed.body().get("id").asText()).get("status").asText())
                .isEqualTo("delivered");
    }

    @Test
    void only_an_administrator_changes_release_controls_and_a_bad_setting_names_its_field() {
        long changes = pg.count("SELECT count(*) FROM audit_entry WHERE action = 'release.changed'");
        ApiClient.Answer notAdmin = new ApiClient(gateway.gateway().port(), TestGateway.REVIEWER_KEY).putReleaseControl(
                "{\"target\":\"ehr\",\"eventType\":\"condition\",\"mode\":\"off\"}");
        assertThat(notAdmin.status()).isEqualTo(403);
        assertThat(notAdmin.body().at("/errors/0/pointer").asText()).isEqualTo("header:Authorization");

        ApiClient.Answer badMode = gateway.admin().putReleaseControl(
                "{\"target\":\"ehr\",\"eventType\":\"condition\",\"mode\":\"dark\"}");
        assertThat(badMode.status()).isEqualTo(400);
        assertThat(badMode.body().at("/errors/0/pointer").asText()).isEqualTo("/mode");

        ApiClient.Answer badTarget = gateway.admin().putReleaseControl(
                "{\"target\":\"nowhere\",\"eventType\":\"condition\",\"mode\":\"off\"}");
        assertThat(badTarget.body().at("/errors/0/pointer").asText()).isEqualTo("/target");

        ApiClient.Answer badList = gateway.admin().putReleaseControl("{\"target\":\"ehr\",\"eventType\":\"condition\","
                + "\"mode\":\"live\",\"allowPatients\":[\"no-bar\"],\"allowAuthors\":[\"1234567890\"]}");
        assertThat(badList.body().get("errors").findValuesAsText("pointer"))
                .containsExactly("/allowPatients/0", "/allowAuthors/0");
        assertThat(pg.count("SELECT count(*) FROM audit_entry WHERE action = 'release.changed'"))
                .as("nothing changed").isEqualTo(changes);
    }
}
