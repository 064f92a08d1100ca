package dev.chartbridge.app.config;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.chartbridge.core.ChartBridgeException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Reads {@link GatewayConfig} from YAML, refusing unknown keys so that a typo fails at start, not in production. */
public final class ConfigLoader {
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory())
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    private ConfigLoader() {
    }

    public static GatewayConfig load(Path file) {
        try {
            return validate(YAML.readValue(Files.readString(file), GatewayConfig.class));
        } catch (UnrecognizedPropertyException e) {
            throw new ChartBridgeException("configuration " + file + ": unknown key '" + e.getPropertyName()
                    + "' at " + e.getPathReference());
        } catch (IOException e) {
            throw new ChartBridgeException("configuration " + file + " could not be read: " + e.getMessage(), e);
        }
    }

    static GatewayConfig validate(GatewayConfig config) {
        if (config.tenants() == null || config.tenants().isEmpty()) {
            throw new ChartBridgeException("configuration: at least one tenant is required under 'tenants'");
        }
        for (GatewayConfig.TenantConfig t : config.tenants()) {
            if (t.id() == null || !t.id().matches("[a-z0-9][a-z0-9-]{0,62}")) {
                throw new ChartBridgeException("configuration: tenant id '" + t.id()
                        + "' must be lower case letters, digits and -");
            }
            if (t.requireConsent() != null
                    && !java.util.Set.of("treatment", "patient-privacy", "research").contains(t.requireConsent())) {
                throw new ChartBridgeException("configuration: tenant " + t.id()
                        + ": requireConsent must be treatment, patient-privacy or research");
            }
            GatewayConfig.UserAssertionConfig users = t.users();
            if (users != null && (blank(users.issuer()) || blank(users.audience()) || blank(users.jwksFile()))) {
                throw new ChartBridgeException("configuration: tenant " + t.id()
                        + ": users needs issuer, audience and jwksFile");
            }
            UpdatePolicies.validate(t);
            SafetySettings.policy(t);
            SafetySettings.releaseControls(t);
            for (GatewayConfig.ConnectionConfig c : t.connections() == null
                    ? java.util.List.<GatewayConfig.ConnectionConfig>of() : t.connections()) {
                if (c.name() == null || c.vendor() == null || c.baseUrl() == null) {
                    throw new ChartBridgeException("configuration: tenant " + t.id()
                            + ": every connection needs name, vendor and baseUrl");
                }
            }
        }
        WebhookReceivers.policy(config.webhooks()); // a bad allowlist entry fails at start
        if (config.http() != null) {
            HttpSettings.listener(config.http()); // so do a bad timeout or half a TLS setting
        }
        return config;
    }

    private static boolean blank(String value) {
        return value == null || value.isBlank();
    }
}
