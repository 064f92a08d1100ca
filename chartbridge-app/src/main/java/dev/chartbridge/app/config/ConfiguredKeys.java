package dev.chartbridge.app.config;

import dev.chartbridge.core.ChartBridgeException;
import dev.chartbridge.core.tenant.ApiKeys;
import dev.chartbridge.core.tenant.KeyRole;
import dev.chartbridge.core.tenant.KeyStrength;

import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The API keys the configuration names, with their secrets read and checked: each must be strong enough
 * ({@link KeyStrength}) and name known roles, else start is refused with the key's configuration path
 * ({@code tenants[0].apiKeys[1]}), never its secret. Thread-safe (stateless).
 */
public final class ConfiguredKeys {
    private ConfiguredKeys() {
    }

    /** Per tenant id, its configured keys; throws {@link ChartBridgeException} naming the first key at fault. */
    public static Map<String, List<ApiKeys.ConfiguredKey>> read(GatewayConfig config) {
        Map<String, List<ApiKeys.ConfiguredKey>> byTenant = new LinkedHashMap<>();
        for (int t = 0; t < config.tenants().size(); t++) {
            GatewayConfig.TenantConfig tenant = config.tenants().get(t);
            List<GatewayConfig.ApiKeyConfig> keys = Optional.ofNullable(tenant.apiKeys()).orElse(List.of());
            List<ApiKeys.ConfiguredKey> read = new java.util.ArrayList<>();
            for (int k = 0; k < keys.size(); k++) {
                GatewayConfig.ApiKeyConfig key = keys.get(k);
                String path = "tenants[" + t + "].apiKeys[" + k + "] (tenant " + tenant.id() + ", label '"
                        + key.label() + "')";
                String secret = Secrets.read(key.secretEnv(), key.secretFile());
                if (secret == null) {
                    throw new ChartBridgeException("configuration: " + path + " has no secret (set "
                            + (key.secretEnv() != null ? "environment variable " + key.secretEnv()
                            : "file " + key.secretFile()) + ")");
                }
                String weakness = KeyStrength.weakness(secret);
                if (weakness != null) {
                    throw new ChartBridgeException("configuration: " + path + ": the API key " + weakness
                            + "; the gateway does not start with a weak key");
                }
                read.add(new ApiKeys.ConfiguredKey(key.label(), secret, roles(key, path)));
            }
            byTenant.put(tenant.id(), read);
        }
        return byTenant;
    }

    /** The key's roles: as listed, else all three for {@code admin: true}, else {@code app}. */
    static Set<KeyRole> roles(GatewayConfig.ApiKeyConfig key, String path) {
        if (key.roles() == null) {
            return Boolean.TRUE.equals(key.admin()) ? EnumSet.allOf(KeyRole.class) : EnumSet.of(KeyRole.APP);
        }
        if (key.roles().isEmpty()) {
            throw new ChartBridgeException("configuration: " + path + ": roles must name at least one of app,"
                    + " reviewer, admin");
        }
        Set<KeyRole> roles = EnumSet.noneOf(KeyRole.class);
        for (String name : key.roles()) {
            roles.add(KeyRole.fromWire(name).orElseThrow(() -> new ChartBridgeException("configuration: " + path
                    + ": unknown role '" + name + "' (roles are app, reviewer, admin)")));
        }
        if (Boolean.TRUE.equals(key.admin())) {
            roles.add(KeyRole.ADMIN);
        }
        return roles;
    }
}
