package dev.chartbridge.ehr.auth;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class GrantedScopesTest {
    private static final List<String> ASKED = List.of("system/Patient.s", "system/Observation.crs",
            "system/Observation.u");

    @Test
    void v1_spellings_cover_the_v2_scopes_asked() {
        assertThat(GrantedScopes.notCovered(ASKED, "system/Patient.read system/Observation.read"
                + " system/Observation.write")).isEmpty();
    }

    @Test
    void a_permission_not_granted_is_named() {
        assertThat(GrantedScopes.notCovered(ASKED, "system/Patient.rs system/Observation.rs"))
                .containsExactly("system/Observation.crs", "system/Observation.u");
    }

    @Test
    void a_wildcard_type_covers_every_type_of_its_context() {
        assertThat(GrantedScopes.notCovered(ASKED, "system/*.cruds")).isEmpty();
        assertThat(GrantedScopes.notCovered(ASKED, "user/*.cruds")).hasSize(3);
    }
}
