package dev.chartbridge.ehr.veradigm;

import dev.chartbridge.core.ChartBridgeException;
import dev.chartbridge.ehr.Connection;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/**
 * One tenant's Veradigm connection, read from its {@link Connection}: the Unity JSON endpoint, the Unity service
 * account, the registered application name, the EHR user Unity writes as, and which Unity user stands for which
 * NPI (for task owners). Immutable; {@link #toString()} never shows the password.
 *
 * @param unityUrl  Unity's JSON base, {@code https://.../Unity/UnityService.svc/json}
 * @param appUserId the EHR user on whose behalf Unity writes ({@code AppUserID})
 * @param mrnSystem identifier system of the MRN in events; null: the event's first identifier
 * @param users     NPI to Unity user name ({@code settings.provider.<npi>})
 * @param writeAsAuthor when true, each save is made as the author's own Unity user ({@code AppUserID}), so Unity
 *                      attributes it to them; events whose author has no user are then refused at intake
 */
public record VeradigmSettings(String unityUrl, String username, String password, String appName, String appUserId,
                               String mrnSystem, Map<String, String> users, boolean writeAsAuthor,
                               Duration tokenLifetime,
                               Duration connectTimeout, Duration readTimeout) {

    /** @throws ChartBridgeException when a required key is missing, so a misconfigured connection fails at startup */
    public static VeradigmSettings from(Connection c) {
        require(c, c.baseUrl(), "baseUrl (Unity's .../UnityService.svc/json)");
        require(c, c.username(), "username");
        require(c, c.password(), "passwordEnv or passwordFile");
        require(c, c.setting("appName", null), "settings.appName");
        require(c, c.setting("appUserId", null), "settings.appUserId");
        Map<String, String> users = new HashMap<>();
        if (c.settings() != null) {
            c.settings().forEach((k, v) -> {
                if (k.startsWith("provider.")) {
                    users.put(k.substring("provider.".length()), v);
                }
            });
        }
        String base = c.baseUrl().endsWith("/") ? c.baseUrl().substring(0, c.baseUrl().length() - 1) : c.baseUrl();
        return new VeradigmSettings(base, c.username(), c.password(), c.setting("appName", null),
                c.setting("appUserId", null), c.setting("mrnSystem", null), Map.copyOf(users),
                Boolean.parseBoolean(c.setting("writeAsAuthor", "false")),
                Duration.ofMinutes(Long.parseLong(c.setting("tokenMinutes", "20"))), Duration.ofSeconds(5),
                c.readTimeout() == null ? Duration.ofSeconds(15) : c.readTimeout());
    }

    private static void require(Connection c, String value, String what) {
        if (value == null || value.isBlank()) {
            throw new ChartBridgeException("connection " + c.name() + ": Veradigm needs " + what);
        }
    }

    @Override
    public String toString() {
        return "VeradigmSettings[" + unityUrl + ", app " + appName + "]";
    }
}
