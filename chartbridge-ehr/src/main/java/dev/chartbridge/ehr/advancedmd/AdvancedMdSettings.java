package dev.chartbridge.ehr.advancedmd;

import dev.chartbridge.core.ChartBridgeException;
import dev.chartbridge.ehr.Connection;

import java.time.Duration;
import java.time.ZoneId;

/**
 * One tenant's AdvancedMD connection, read from its {@link Connection}: where the partner login is, the API user,
 * the office key, the registered app name, the practice's time zone (msgtime and note times are its local time)
 * and the EHR note template notes are filed in. Immutable; {@link #toString()} never shows the password.
 *
 * @param partnerLoginUrl full URL of the partner login ({@code .../practicemanager/xmlrpc/processrequest.aspx})
 * @param requestsPerMinute requests per 60 s, per cost class, at any hour when the office key's contract differs
 *                        from the published tiers ({@code settings.requestsPerMinute}); null: the published caps
 * @param timeZone        the practice's zone ({@code settings.timeZone}, default the gateway's)
 * @param noteTemplateId  the EHR template notes are filed in ({@code settings.noteTemplateId}); null: no note writes
 * @param noteTextField   the template field that takes the note's text ({@code settings.noteTextField})
 * @param noteTitleField  the template field that takes the note's title ({@code settings.noteTitleField}); null:
 *                        the title is not written
 * @param quotaWindow     what {@code requestsPerMinute} is counted over when the contract counts over another
 *                        window than 60 s ({@code settings.quotaWindowSeconds}, only with requestsPerMinute)
 * @param mrnSystem       identifier system of the chart number in events; null: the event's first identifier
 */
// evidence: amd.note.template-config, amd.request.msgtime
public record AdvancedMdSettings(String partnerLoginUrl, String username, String password, String officeKey,
                                 String appName, Integer requestsPerMinute, Duration quotaWindow,
                                 String mrnSystem, ZoneId timeZone, String noteTemplateId, String noteTextField,
                                 String noteTitleField,
                                 Duration sessionLifetime, Duration connectTimeout,
                                 Duration readTimeout) {

    /**
     * @throws ChartBridgeException when a required key is missing, so a misconfigured connection fails at startup
     */
    public static AdvancedMdSettings from(Connection c) {
        require(c, c.baseUrl(), "baseUrl (the partner login URL)");
        require(c, c.username(), "username");
        require(c, c.password(), "passwordEnv or passwordFile");
        require(c, c.practiceId(), "practiceId (the office key)");
        require(c, c.setting("appName", null), "settings.appName");
        String perMinute = c.setting("requestsPerMinute", null);
        if (perMinute != null && !perMinute.matches("[2-9]|[1-9][0-9]{1,5}")) {
            throw new ChartBridgeException("connection " + c.name() + ": settings.requestsPerMinute must be a number"
                    + " from 2 (the office key's contracted requests per 60 s)");
        }
        String window = c.setting("quotaWindowSeconds", null);
        if (window != null && (perMinute == null || !window.matches("[1-9][0-9]{0,3}"))) {
            throw new ChartBridgeException("connection " + c.name() + ": settings.quotaWindowSeconds must be a number"
                    + " of seconds from 1, given with settings.requestsPerMinute (the window the contract counts in)");
        }
        return new AdvancedMdSettings(c.baseUrl(), c.username(), c.password(), c.practiceId(),
                c.setting("appName", null),
                perMinute == null ? null : Integer.valueOf(perMinute),
                window == null ? CallBudget.WINDOW : Duration.ofSeconds(Long.parseLong(window)),
                c.setting("mrnSystem", null), zone(c), c.setting("noteTemplateId", null),
                c.setting("noteTextField", null), c.setting("noteTitleField", null),
                Duration.ofMinutes(Long.parseLong(c.setting("sessionMinutes", "55"))), Duration.ofSeconds(5),
                c.readTimeout() == null ? Duration.ofSeconds(15) : c.readTimeout());
    }

    private static ZoneId zone(Connection c) {
        String zone = c.setting("timeZone", null);
        try {
            return zone == null ? ZoneId.systemDefault() : ZoneId.of(zone);
        } catch (java.time.DateTimeException e) {
            throw new ChartBridgeException("connection " + c.name() + ": settings.timeZone '" + zone
                    + "' is not a time zone id (e.g. America/Denver)");
        }
    }

    /** Whether notes can be written: a template and its text field are named. */
    boolean noteTemplate() {
        return noteTemplateId != null && !noteTemplateId.isBlank() && noteTextField != null
                && !noteTextField.isBlank();
    }

    private static void require(Connection c, String value, String what) {
        if (value == null || value.isBlank()) {
            throw new ChartBridgeException("connection " + c.name() + ": AdvancedMD needs " + what);
        }
    }

    @Override
    public String toString() {
        return "AdvancedMdSettings[" + partnerLoginUrl + ", office " + officeKey + "]";
    }
}
