package dev.chartbridge.app.config;

import dev.chartbridge.core.ChartBridgeException;
import dev.chartbridge.core.tenant.KeyRole;
import org.junit.jupiter.api.Test;

import java.util.EnumSet;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ConfiguredKeysTest {
    private static GatewayConfig.ApiKeyConfig key(Boolean admin, List<String> roles) {
        return new GatewayConfig.ApiKeyConfig("k", "UNUSED", null, admin, roles);
    }

    @Test
    void a_key_without_roles_is_an_app_key_and_admin_true_means_every_role() {
        assertThat(ConfiguredKeys.roles(key(null, null), "p")).containsExactly(KeyRole.APP);
        assertThat(ConfiguredKeys.roles(key(true, null), "p")).isEqualTo(EnumSet.allOf(KeyRole.class));
        assertThat(ConfiguredKeys.roles(key(null, List.of("reviewer")), "p")).containsExactly(KeyRole.REVIEWER);
        assertThat(ConfiguredKeys.roles(key(true, List.of("reviewer")), "p"))
                .containsExactlyInAnyOrder(KeyRole.REVIEWER, KeyRole.ADMIN);
    }

    @Test
    void an_unknown_or_empty_role_list_names_the_key() {
        assertThatThrownBy(() -> ConfiguredKeys.roles(key(null, List.of("root")), "tenants[0].apiKeys[2]"))
                .isInstanceOf(ChartBridgeException.class).hasMessageContaining("tenants[0].apiKeys[2]")
                .hasMessageContaining("unknown role 'root'");
        assertThatThrownBy(() -> ConfiguredKeys.roles(key(null, List.of()), "tenants[0].apiKeys[2]"))
                .isInstanceOf(ChartBridgeException.class).hasMessageContaining("at least one");
    }
}
