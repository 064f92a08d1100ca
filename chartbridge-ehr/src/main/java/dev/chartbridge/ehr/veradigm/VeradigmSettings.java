package dev.chartbridge.ehr.veradigm;

import dev.chartbridge.core.ChartBridgeException;
import dev.chartbridge.ehr.Connection;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/**
 * One tenant's Veradigm connection, read from its {@link Connection}: the Unity JSON endpoint, the Unity service
 * account (GetToken), the registered application name, the EHR user every call is made as and that user's own
 * password (GetUserAuthentication binds each token to that user), which Unity user stands for which NPI (task
 * owners), and the site's task type. Immutable; {@link #toString()} shows no password.
 *
 * @param unityUrl        Unity's JSON base, {@code https://.../Unity/UnityService.svc/json}
 * @param appUserId       the EHR user on whose behalf Unity writes ({@code AppUserID})
 * @param appUserPassword that EHR user's password ({@code settings.appUserPasswordFile} or {@code appUserPasswordEnv})
 * @param mrnSystem       identifier system of the MRN in events; null: the event's first identifier
 * @param users           NPI to Unity user name ({@code settings.provider.<npi>})
 * @param taskType        SaveTask's task type, an entry of the site's task action dictionary ({@code settings.taskType})
 */
public record VeradigmSettings(String unityUrl, String username, String password, String appName, String appUserId,
                               String appUserPassword, String mrnSystem, Map<String, String> users, String taskType,
                               Duration tokenLifetime, Duration connectTimeout, Duration readTimeout) {

    /** @throws ChartBridgeException when a required key is missing, so a misconfigured connection fails at startup */
    // evidence: veradigm.auth.get-user-authentication, veradigm.auth.one-user-per-token, veradigm.save.task-values
    public static VeradigmSettings from(Connection c) {
        require(c, c.baseUrl(), "baseUrl (Unity's .../UnityService.svc/json)");
        require(c, c.username(), "username");
        require(c, c.password(), "passwordEnv or passwordFile");
        require(c, c.setting("appName", null), "settings.appName");
        require(c, c.setting("appUserId", null), "settings.appUserId");
        if (Boolean.parseBoolean(c.setting("writeAsAuthor", "false"))) {
            throw new ChartBridgeException("connection " + c.name() + ": Veradigm binds each Unity token to one EHR"
                    + " user (GetUserAuthentication), so writeAsAuthor is not offered; remove it");
        }
        String userPassword = appUserPassword(c);
        require(c, userPassword, "settings.appUserPasswordFile or settings.appUserPasswordEnv (the EHR user's own"
                + " password for GetUserAuthentication)");
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
                c.setting("appUserId", null), userPassword, c.setting("mrnSystem", null), Map.copyOf(users),
                c.setting("taskType", "FOLLOWUP"),
                Duration.ofMinutes(Long.parseLong(c.setting("tokenMinutes", "20"))), Duration.ofSeconds(5),
                c.readTimeout() == null ? Duration.ofSeconds(15) : c.readTimeout());
    }

    private static String appUserPassword(Connection c) {
        String file = c.setting("appUserPasswordFile", null);
        if (file != null) {
            try {
                return Files.readString(Path.of(file)).strip();
            } catch (IOException e) {
                throw new ChartBridgeException("connection " + c.name() + ": cannot read settings.appUserPasswordFile");
            }
        }
        String env = c.setting("appUserPasswordEnv", null);
        return env == null ? null : System.getenv(env);
    }

    private static void require(Connection c, String value, String what) {
        if (value == null || value.isBlank()) {
            throw new ChartBridgeException("connection " + c.name() + ": Veradigm needs " + what);
        }
    }

    @Override
    public String toString() {
        return "VeradigmSettings[" + unityUrl + ", app " + appName + ", user " + appUserId + "]";
    }
}
