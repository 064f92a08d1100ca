package dev.chartbridge.app.config;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.chartbridge.core.ChartBridgeException;
import dev.chartbridge.core.event.AuthorRole;
import dev.chartbridge.core.formulary.FileFormulary;
import dev.chartbridge.core.formulary.Formulary;
import dev.chartbridge.core.intake.ReleaseControlParser;
import dev.chartbridge.core.json.FieldError;
import dev.chartbridge.core.json.Json;
import dev.chartbridge.core.release.ReleaseControl;
import dev.chartbridge.core.tenant.TenantPolicy;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A tenant's safety configuration turned into what core uses: its {@link TenantPolicy} (consent, break-glass roles,
 * formulary) and the release controls its connections configure. Every mistake is a {@link ChartBridgeException}
 * naming the key, at start. Stateless.
 */
public final class SafetySettings {
    private SafetySettings() {
    }

    public static TenantPolicy policy(GatewayConfig.TenantConfig t) {
        Set<AuthorRole> roles = EnumSet.noneOf(AuthorRole.class);
        for (String name : Optional.ofNullable(t.breakGlassRoles()).orElse(List.of())) {
            roles.add(Arrays.stream(AuthorRole.values()).filter(r -> r.wireName().equals(name)).findFirst()
                    .orElseThrow(() -> new ChartBridgeException("configuration: tenant " + t.id()
                            + ": breakGlassRoles names no author role: '" + name + "'")));
        }
        Formulary formulary = t.formularyFile() == null ? Formulary.OPEN : FileFormulary.load(Path.of(t.formularyFile()));
        return new TenantPolicy(t.requireConsent(), roles, formulary, t.onConflict(), t.compensation());
    }

    /** The release controls configured on the tenant's connections, checked by the admin API's rules. */
    public static List<ReleaseControl> releaseControls(GatewayConfig.TenantConfig t) {
        List<ReleaseControl> controls = new ArrayList<>();
        for (GatewayConfig.ConnectionConfig c : Optional.ofNullable(t.connections()).orElse(List.of())) {
            for (Map.Entry<String, GatewayConfig.ReleaseConfig> e
                    : Optional.ofNullable(c.release()).orElse(Map.of()).entrySet()) {
                ObjectNode body = Json.MAPPER.valueToTree(e.getValue());
                body.put("target", c.name()).put("eventType", e.getKey());
                List.of("allowPatients", "allowAuthors", "otherwise").forEach(k -> {
                    if (body.path(k).isNull()) {
                        body.remove(k);
                    }
                });
                List<FieldError> errors = new ArrayList<>();
                ReleaseControl control = ReleaseControlParser.parse(body, errors);
                if (control == null) {
                    FieldError first = errors.get(0);
                    throw new ChartBridgeException("configuration: tenant " + t.id() + ", connection " + c.name()
                            + ", release." + e.getKey() + (first.pointer().startsWith("/eventType") ? "" :
                            first.pointer().replace('/', '.')) + ": " + first.detail());
                }
                controls.add(control);
            }
        }
        return controls;
    }
}
