package dev.chartbridge.app.config;

import dev.chartbridge.core.ChartBridgeException;
import dev.chartbridge.core.event.AuthorRole;
import dev.chartbridge.core.release.ReleaseControl;
import dev.chartbridge.core.release.ReleaseMode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The safety keys of the YAML configuration: both forms of a release setting, break-glass roles, mistakes named. */
class ReleaseConfigTest {
    @TempDir
    Path dir;

    private GatewayConfig load(String connectionExtra) throws IOException {
        Path file = dir.resolve("gateway.yaml");
        Files.writeString(file, """
                tenants:
                  - id: acme
                    breakGlassRoles: [physician]
                    connections:
                      - name: ehr
                        vendor: fhir-r4
                        baseUrl: http://127.0.0.1:1/fhir
                """ + connectionExtra.indent(8));
        return ConfigLoader.load(file);
    }

    @Test
    void the_example_file_loads_with_both_forms_of_a_release_setting() {
        GatewayConfig config = ConfigLoader.load(Path.of("..", "chartbridge.example.yaml"));
        GatewayConfig.TenantConfig acme = config.tenants().get(0);
        assertThat(SafetySettings.releaseControls(acme)).containsExactlyInAnyOrder(
                new ReleaseControl("ehr", "follow-up-task", ReleaseMode.LIVE, Set.of(), Set.of(), null),
                new ReleaseControl("ehr", "medication-change", ReleaseMode.LIVE, Set.of(), Set.of("1234567893"),
                        ReleaseMode.SHADOW));
        assertThat(SafetySettings.policy(acme).breakGlassRoles())
                .containsExactlyInAnyOrder(AuthorRole.PHYSICIAN, AuthorRole.NURSE_PRACTITIONER);
    }

    @Test
    void a_bad_release_setting_stops_the_start_naming_its_key() {
        assertThatThrownBy(() -> load("release:\n  vitals: dark\n")).isInstanceOf(ChartBridgeException.class)
                .hasMessageContaining("connection ehr, release.vitals.mode");
        assertThatThrownBy(() -> load("release:\n  lab-result: shadow\n")).isInstanceOf(ChartBridgeException.class)
                .hasMessageContaining("release.lab-result").hasMessageContaining("must be one of");
        assertThatThrownBy(() -> load("release:\n  note: {mode: live, allowAuthors: ['1234567890']}\n"))
                .hasMessageContaining("release.note.allowAuthors.0");
        assertThatThrownBy(() -> load("release:\n  note: {mode: live, audience: all}\n"))
                .hasMessageContaining("unknown key 'audience'");
    }

    @Test
    void an_unknown_break_glass_role_stops_the_start() throws IOException {
        Path file = dir.resolve("roles.yaml");
        Files.writeString(file, "tenants:\n  - id: acme\n    breakGlassRoles: [janitor]\n");
        assertThatThrownBy(() -> ConfigLoader.load(file)).hasMessageContaining("breakGlassRoles names no author"
                + " role: 'janitor'");
    }
}
