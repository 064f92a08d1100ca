package dev.chartbridge.app.config;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.chartbridge.core.ChartBridgeException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Reads {@link GatewayConfig} from YAML, refusing unknown keys so that a typo fails at start, not in production.
 * String values may refer to environment variables ({@code ${VAR}}, {@code ${VAR:-default}}: {@link Placeholders}),
 * and every key may be overridden by a variable named after it ({@code CHARTBRIDGE_HTTP_PORT}: {@link EnvOverrides}).
 */
public final class ConfigLoader {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(ConfigLoader.class);
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory())
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    private ConfigLoader() {
    }

    /** The configuration in {@code file} with this process's environment applied. */
    public static GatewayConfig load(Path file) {
        return load(file, System.getenv());
    }

    /**
     * The configuration in {@code file} (none: from the environment alone), its {@code ${VAR}} references resolved
     * in {@code env} and then the {@code CHARTBRIDGE_...} overrides in {@code env} applied.
     *
     * @throws ChartBridgeException naming the file, key or variable at fault
     */
    public static GatewayConfig load(Path file, java.util.Map<String, String> env) {
        String source = file == null ? "from the environment" : file.toString();
        try {
            com.fasterxml.jackson.databind.JsonNode parsed = file == null ? null : YAML.readTree(Files.readString(file));
            com.fasterxml.jackson.databind.node.ObjectNode tree = parsed instanceof
                    com.fasterxml.jackson.databind.node.ObjectNode o ? o : YAML.createObjectNode();
            if (parsed != null && !parsed.isMissingNode() && !parsed.isNull() && !parsed.isObject()) {
                throw new ChartBridgeException("configuration " + source + ": the file must be a YAML mapping");
            }
            Placeholders.expand(tree, env::get, "");
            EnvOverrides.Result overrides = EnvOverrides.apply(tree, env);
            if (!overrides.applied().isEmpty()) {
                LOG.info("configuration keys set from the environment: {}", overrides.applied());
            }
            overrides.unmatched().forEach(v -> LOG.warn("environment variable {} names no configuration key", v));
            return validate(YAML.treeToValue(tree, GatewayConfig.class));
        } catch (UnrecognizedPropertyException e) {
            throw new ChartBridgeException("configuration " + source + ": unknown key '" + e.getPropertyName()
                    + "' at " + e.getPathReference());
        } catch (java.nio.file.NoSuchFileException e) {
            throw new ChartBridgeException("configuration " + source + " does not exist");
        } catch (IOException e) {
            throw new ChartBridgeException("configuration " + source + " could not be read: " + e.getMessage(), e);
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
        GatewayConfig.DatabaseConfig db = config.database();
        if (db != null && db.intakeTransactions() != null && db.intakeTransactions() < 1) {
            throw new ChartBridgeException("configuration: database.intakeTransactions must be at least 1 (is "
                    + db.intakeTransactions() + ")");
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
