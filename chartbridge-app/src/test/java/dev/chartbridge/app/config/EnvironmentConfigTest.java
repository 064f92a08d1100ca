package dev.chartbridge.app.config;

import dev.chartbridge.core.ChartBridgeException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Configuration like a twelve-factor service: every key from the environment, {@code ${VAR}} in the file. */
class EnvironmentConfigTest {
    private static final Path EXAMPLE = Path.of("..", "chartbridge.example.yaml");

    @TempDir
    Path dir;

    @Test
    void variables_named_after_keys_override_the_example_file() {
        GatewayConfig config = ConfigLoader.load(EXAMPLE, Map.of(
                "CHARTBRIDGE_HTTP_PORT", "9191",
                "CHARTBRIDGE_HTTP_MAX_BODY_BYTES", "2048",
                "CHARTBRIDGE_READ_BACK_INTERVAL_MS", "5000",
                "CHARTBRIDGE_DELIVERY_VERIFY", "false",
                "CHARTBRIDGE_NODE", "node-b",
                "CHARTBRIDGE_TENANTS_0_CONNECTIONS_0_BASE_URL", "https://ehr.example.org/fhir",
                "CHARTBRIDGE_TENANTS_0_BREAK_GLASS_ROLES", "physician, pharmacist",
                "CHARTBRIDGE_ACME_KEY", "not a key path: a secret the file names"));

        assertThat(config.http().port()).isEqualTo(9191);
        assertThat(config.http().maxBodyBytes()).isEqualTo(2048L);
        assertThat(config.http().host()).as("untouched keys keep the file's value").isEqualTo("127.0.0.1");
        assertThat(config.readBack().intervalMs()).isEqualTo(5000L);
        assertThat(config.delivery().verify()).isFalse();
        assertThat(config.node()).isEqualTo("node-b");
        assertThat(config.tenants().get(0).connections().get(0).baseUrl()).isEqualTo("https://ehr.example.org/fhir");
        assertThat(config.tenants().get(0).breakGlassRoles()).containsExactly("physician", "pharmacist");
    }

    @Test
    void intake_transactions_come_from_the_environment_and_fewer_than_one_stops_the_start_naming_the_key() {
        GatewayConfig config = ConfigLoader.load(EXAMPLE, Map.of("CHARTBRIDGE_DATABASE_INTAKE_TRANSACTIONS", "2"));
        assertThat(config.database().intakeTransactions()).isEqualTo(2);

        assertThatThrownBy(() -> ConfigLoader.load(EXAMPLE, Map.of("CHARTBRIDGE_DATABASE_INTAKE_TRANSACTIONS", "0")))
                .isInstanceOf(ChartBridgeException.class)
                .hasMessageContaining("database.intakeTransactions must be at least 1 (is 0)");
    }

    @Test
    void a_list_position_one_past_the_end_adds_an_element_and_a_gap_is_refused() {
        GatewayConfig config = ConfigLoader.load(EXAMPLE, Map.of(
                "CHARTBRIDGE_TENANTS_0_API_KEYS_1_LABEL", "ops",
                "CHARTBRIDGE_TENANTS_0_API_KEYS_1_SECRET_ENV", "CHARTBRIDGE_ACME_ADMIN_KEY",
                "CHARTBRIDGE_TENANTS_0_API_KEYS_1_ADMIN", "true"));
        assertThat(config.tenants().get(0).apiKeys()).hasSize(2);
        assertThat(config.tenants().get(0).apiKeys().get(1))
                .isEqualTo(new GatewayConfig.ApiKeyConfig("ops", "CHARTBRIDGE_ACME_ADMIN_KEY", null, true));

        assertThatThrownBy(() -> ConfigLoader.load(EXAMPLE, Map.of("CHARTBRIDGE_TENANTS_2_ID", "other")))
                .isInstanceOf(ChartBridgeException.class)
                .hasMessageContaining("CHARTBRIDGE_TENANTS_2_ID").hasMessageContaining("tenants has 1 elements");
    }

    @Test
    void map_entries_are_matched_by_their_words_and_new_ones_take_the_event_type_spelling() {
        GatewayConfig config = ConfigLoader.load(EXAMPLE, Map.of(
                "CHARTBRIDGE_TENANTS_0_CONNECTIONS_0_RELEASE_FOLLOW_UP_TASK", "shadow",
                "CHARTBRIDGE_TENANTS_0_CONNECTIONS_0_RELEASE_MEDICATION_CHANGE_OTHERWISE", "off",
                "CHARTBRIDGE_TENANTS_0_CONNECTIONS_0_RELEASE_VITALS", "shadow"));
        Map<String, GatewayConfig.ReleaseConfig> release = config.tenants().get(0).connections().get(0).release();
        assertThat(release.get("follow-up-task").mode()).isEqualTo("shadow");
        assertThat(release.get("medication-change").otherwise()).isEqualTo("off");
        assertThat(release.get("medication-change").allowAuthors()).containsExactly("1234567893");
        assertThat(release.get("vitals").mode()).isEqualTo("shadow");
    }

    @Test
    void a_whole_configuration_can_come_from_the_environment_alone() {
        GatewayConfig config = ConfigLoader.load(null, Map.of(
                "CHARTBRIDGE_TENANTS_0_ID", "acme",
                "CHARTBRIDGE_TENANTS_0_API_KEYS_0_LABEL", "scribe-app",
                "CHARTBRIDGE_TENANTS_0_API_KEYS_0_SECRET_ENV", "CHARTBRIDGE_ACME_KEY",
                "CHARTBRIDGE_TENANTS_0_CONNECTIONS_0_NAME", "ehr",
                "CHARTBRIDGE_TENANTS_0_CONNECTIONS_0_VENDOR", "fhir-r4",
                "CHARTBRIDGE_TENANTS_0_CONNECTIONS_0_BASE_URL", "http://127.0.0.1:8090/fhir",
                "CHARTBRIDGE_DATABASE_URL", "jdbc:postgresql://db:5432/chartbridge"));
        assertThat(config.tenants()).singleElement().satisfies(t -> {
            assertThat(t.id()).isEqualTo("acme");
            assertThat(t.connections().get(0).vendor()).isEqualTo("fhir-r4");
        });
        assertThat(config.database().url()).isEqualTo("jdbc:postgresql://db:5432/chartbridge");
    }

    @Test
    void references_in_values_are_expanded_with_defaults_and_an_unset_one_names_variable_and_key()
            throws IOException {
        Path file = dir.resolve("c.yaml");
        Files.writeString(file, """
                # ${NOT_EXPANDED_IN_A_COMMENT}
                http:
                  port: ${PORT:-8080}
                  publicUrl: https://${HOST}/gw
                node: $${literal}
                tenants:
                  - id: acme
                    connections:
                      - {name: ehr, vendor: fhir-r4, baseUrl: "${EHR_URL}"}
                """);
        GatewayConfig config = ConfigLoader.load(file, Map.of("HOST", "gw.example.org",
                "EHR_URL", "https://ehr.example.org/r4"));
        assertThat(config.http().port()).isEqualTo(8080);
        assertThat(config.http().publicUrl()).isEqualTo("https://gw.example.org/gw");
        assertThat(config.node()).isEqualTo("${literal}");
        assertThat(config.tenants().get(0).connections().get(0).baseUrl()).isEqualTo("https://ehr.example.org/r4");

        assertThatThrownBy(() -> ConfigLoader.load(file, Map.of("EHR_URL", "x")))
                .isInstanceOf(ChartBridgeException.class)
                .hasMessageContaining("http.publicUrl").hasMessageContaining("${HOST}");
        assertThat(ConfigLoader.load(file, Map.of("HOST", "h", "EHR_URL", "x", "PORT", "9000")).http().port())
                .isEqualTo(9000);
    }

    @Test
    void names_follow_one_rule_and_a_misspelt_key_of_a_section_is_reported() {
        assertThat(EnvOverrides.variableFor("tenants[0].connections[1].baseUrl"))
                .isEqualTo("CHARTBRIDGE_TENANTS_0_CONNECTIONS_1_BASE_URL");
        assertThat(EnvOverrides.variableFor("readBack.readsPerMinute")).isEqualTo("CHARTBRIDGE_READ_BACK_READS_PER_MINUTE");

        var tree = com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode();
        EnvOverrides.Result result = EnvOverrides.apply(tree, Map.of("CHARTBRIDGE_HTTP_PROT", "1",
                "CHARTBRIDGE_ACME_KEY", "secret", "CHARTBRIDGE_DB_PASSWORD", "secret", "HOME", "/root"));
        assertThat(result.applied()).isEmpty();
        assertThat(result.unmatched()).isEqualTo(List.of("CHARTBRIDGE_HTTP_PROT"));
        assertThat(tree.isEmpty()).as("nothing written for names that are no key").isTrue();
    }
}
