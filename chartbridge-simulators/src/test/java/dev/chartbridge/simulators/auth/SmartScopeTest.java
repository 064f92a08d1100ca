package dev.chartbridge.simulators.auth;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** SMART v1 and v2 scope spellings and what they allow. */
class SmartScopeTest {

  private static SmartScope scope(String text) {
    return SmartScope.parse(text).orElseThrow();
  }

  @Test
  void v1_write_covers_v2_create_update_delete_but_not_read() {
    assertThat(scope("system/Observation.write").covers(scope("system/Observation.c"))).isTrue();
    assertThat(scope("system/Observation.write").covers(scope("system/Observation.cud"))).isTrue();
    assertThat(scope("system/Observation.write").allows("Observation", Interaction.READ)).isFalse();
  }

  @Test
  void wildcards_cover_every_type_and_every_interaction() {
    assertThat(scope("system/*.read").covers(scope("system/Patient.rs"))).isTrue();
    assertThat(scope("system/Observation.*").allows("Observation", Interaction.DELETE)).isTrue();
    assertThat(scope("system/Observation.*").allows("Patient", Interaction.READ)).isFalse();
  }

  @Test
  void contexts_do_not_cover_each_other() {
    assertThat(scope("user/Observation.crus").covers(scope("system/Observation.c"))).isFalse();
  }

  @Test
  void v2_scopes_respell_as_v1_read_and_write() {
    assertThat(scope("system/Observation.c").v1Spellings()).containsExactly("system/Observation.write");
    assertThat(scope("system/Observation.crus").v1Spellings())
        .containsExactly("system/Observation.read", "system/Observation.write");
    assertThat(scope("system/Patient.rs").v1()).isFalse();
  }

  @Test
  void non_resource_scopes_and_malformed_permissions_do_not_parse() {
    assertThat(SmartScope.parse("openid")).isEmpty();
    assertThat(SmartScope.parse("system/Observation.rc")).isEmpty(); // v2 letters must be in cruds order
    assertThat(SmartScope.parse("system/Observation.")).isEmpty();
  }

  @Test
  void interactions_are_derived_from_method_and_path() {
    assertThat(Interaction.of("GET", "/Patient/1")).isEqualTo(Interaction.READ);
    assertThat(Interaction.of("GET", "/Patient")).isEqualTo(Interaction.SEARCH);
    assertThat(Interaction.of("POST", "/Patient/_search")).isEqualTo(Interaction.SEARCH);
    assertThat(Interaction.of("POST", "/Observation")).isEqualTo(Interaction.CREATE);
    assertThat(Interaction.of("PUT", "/Observation/1")).isEqualTo(Interaction.UPDATE);
    assertThat(Interaction.of("DELETE", "/Observation/1")).isEqualTo(Interaction.DELETE);
  }
}
