package dev.chartbridge.app.config;

import dev.chartbridge.app.Gateway;
import dev.chartbridge.core.ChartBridgeException;
import dev.chartbridge.core.testing.PostgresExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Nodes sharing a database share its master key; a node with another key stops and says what to do. */
class SharedMasterKeyTest {
    @RegisterExtension
    static PostgresExtension pg = new PostgresExtension();

    @TempDir
    Path dir;

    private GatewayConfig node(String name, Path masterKeyFile) {
        return new GatewayConfig(new GatewayConfig.DatabaseConfig(pg.url(), "postgres", null, null, null, 4),
                new GatewayConfig.HttpConfig("127.0.0.1", 0, null, null), null, name,
                new GatewayConfig.SecurityConfig(null, masterKeyFile.toString()),
                List.of(new GatewayConfig.TenantConfig("acme", "Acme", List.of(), List.of())));
    }

    @Test
    void a_second_node_with_the_first_nodes_key_file_starts_and_one_with_its_own_key_is_told_to_share_it()
            throws Exception {
        Path first = dir.resolve("a/master.key");
        try (Gateway a = Gateway.start(node("a", first))) {
            assertThat(a.port()).isPositive();
        }
        Path copied = dir.resolve("b/master.key");
        Files.createDirectories(copied.getParent());
        Files.copy(first, copied);
        try (Gateway b = Gateway.start(node("b", copied))) {
            assertThat(b.port()).isPositive();
        }

        assertThatThrownBy(() -> Gateway.start(node("c", dir.resolve("c/master.key"))))
                .isInstanceOf(ChartBridgeException.class)
                .hasMessageContaining("this node's master key is not the one that sealed the secrets in this database")
                .hasMessageContaining("copy the first node's key file")
                .hasMessageContaining("security.masterKeyEnv");
    }
}
