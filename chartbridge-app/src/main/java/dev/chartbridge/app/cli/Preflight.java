package dev.chartbridge.app.cli;

import dev.chartbridge.app.config.GatewayConfig;
import dev.chartbridge.app.config.Secrets;
import dev.chartbridge.core.ChartBridgeException;

import java.util.List;
import java.util.Optional;

/**
 * Checks before {@code serve} starts the database that every API key's secret can be read, so that a variable
 * named in the configuration but not set is one line naming it, at once (the gateway checks again as it starts).
 */
final class Preflight {
    private Preflight() {
    }

    /** @throws ChartBridgeException naming the tenant, the key and the variable or file to provide */
    static void secretsReadable(GatewayConfig config) {
        for (GatewayConfig.TenantConfig t : config.tenants()) {
            for (GatewayConfig.ApiKeyConfig k : Optional.ofNullable(t.apiKeys()).orElse(List.of())) {
                if (Secrets.read(k.secretEnv(), k.secretFile()) != null) {
                    continue;
                }
                throw new ChartBridgeException(k.secretEnv() != null
                        ? "tenant " + t.id() + ": API key '" + k.label() + "' is read from the environment variable "
                        + k.secretEnv() + ", which is not set (e.g. export " + k.secretEnv() + "=$(openssl rand -hex 24))"
                        : "tenant " + t.id() + ": API key '" + k.label() + "' names no secretEnv or secretFile");
            }
        }
    }
}
