package dev.chartbridge.ehr.athena;

import dev.chartbridge.core.ChartBridgeException;
import dev.chartbridge.core.event.NoteType;
import dev.chartbridge.ehr.Connection;

import java.time.Duration;
import java.time.ZoneId;
import java.util.HashMap;
import java.util.Map;

/**
 * What the athenahealth adapter reads from a tenant's connection: where the v1 API and the token endpoint are,
 * the practice and department every write is filed under, which identifier systems carry athena's MRN and
 * encounter id, and the practice's time zone (athena dates are local {@code mm/dd/yyyy}). Immutable.
 *
 * @param apiBase         {@code {baseUrl}/v1/{practiceId}}
 * @param mrnSystem       the patient identifier system whose value is athena's MRN; null: the event's first identifier
 * @param encounterSystem the encounter identifier system whose value is athena's numeric encounter id
 * @param providerIds     {@code settings.providerId.<npi>}: athena provider id of an author, for clinical documents
 * @param subclasses      {@code settings.documentSubclass.<note-type>}: athena document subclass per note type
 */
record AthenaSettings(String apiBase, String tokenUrl, String clientId, String clientSecret, String departmentId,
                      String mrnSystem, String encounterSystem, ZoneId zone, Duration readTimeout,
                      Map<String, String> providerIds, Map<String, String> subclasses) {
    static final String DEFAULT_ENCOUNTER_SYSTEM = "urn:athenahealth:encounterid";
    static final String DEFAULT_SUBCLASS = "CLINICALDOCUMENT";

    static AthenaSettings of(Connection c) {
        require(c, c.baseUrl(), "baseUrl");
        require(c, c.tokenUrl(), "tokenUrl");
        require(c, c.clientId(), "clientId");
        require(c, c.clientSecret(), "clientSecretEnv or clientSecretFile");
        require(c, c.practiceId(), "practiceId");
        String department = c.setting("departmentId", null);
        require(c, department, "settings.departmentId");
        String base = c.baseUrl().replaceAll("/+$", "");
        return new AthenaSettings(base + "/v1/" + c.practiceId(), c.tokenUrl(), c.clientId(), c.clientSecret(),
                department, c.setting("mrnSystem", null), c.setting("encounterSystem", DEFAULT_ENCOUNTER_SYSTEM),
                ZoneId.of(c.setting("timeZone", "UTC")),
                c.readTimeout() == null ? Duration.ofSeconds(15) : c.readTimeout(), prefixed(c, "providerId."),
                prefixed(c, "documentSubclass."));
    }

    /** The athena document subclass a note type is filed under. */
    String documentSubclass(NoteType type) {
        return subclasses.getOrDefault(type.wireName(), DEFAULT_SUBCLASS);
    }

    private static Map<String, String> prefixed(Connection c, String prefix) {
        Map<String, String> out = new HashMap<>();
        if (c.settings() != null) {
            c.settings().forEach((k, v) -> {
                if (k.startsWith(prefix)) {
                    out.put(k.substring(prefix.length()), v);
                }
            });
        }
        return Map.copyOf(out);
    }

    private static void require(Connection c, String value, String key) {
        if (value == null || value.isBlank()) {
            throw new ChartBridgeException("connection " + c.name() + " (athenahealth): " + key + " is required");
        }
    }

    @Override
    public String toString() {
        return "AthenaSettings[" + apiBase + ", department " + departmentId + "]";
    }
}
