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
 * the practice and its default department, how athena's patient is found (athena's {@code GET /patients} has no
 * MRN filter), which identifier system carries athena's encounter id, the practice's time zone (athena dates are
 * local {@code mm/dd/yyyy}), and the token-request budget. Immutable.
 *
 * @param apiBase               {@code {baseUrl}/v1/{practiceId}}
 * @param departmentId          the department writes are filed under when no encounter names one
 * @param patientLookup         {@code custom-field}: the MRN is a practice custom field ({@code mrnCustomFieldId});
 *                              {@code patient-id}: the event carries athena's patient id ({@code patientIdSystem})
 * @param mrnSystem             the patient identifier system whose value is the MRN; null: the event's first
 * @param tokenRequestsPerMinute new-token requests allowed per minute (athena: 5 in preview, 50 in production)
 */
record AthenaSettings(String apiBase, String tokenUrl, String clientId, String clientSecret, String departmentId,
                      String patientLookup, String mrnCustomFieldId, String patientIdSystem, String mrnSystem,
                      String encounterSystem, ZoneId zone, Duration readTimeout, int tokenRequestsPerMinute,
                      Map<String, String> providerIds, Map<String, String> subclasses) {
    static final String DEFAULT_ENCOUNTER_SYSTEM = "urn:athenahealth:encounterid";
    static final String DEFAULT_PATIENT_ID_SYSTEM = "urn:athenahealth:patientid";
    static final String CUSTOM_FIELD = "custom-field";
    static final String PATIENT_ID = "patient-id";
    static final String DEFAULT_SUBCLASS = "CLINICALDOCUMENT";
    /** Preview's figure: the lower of athena's two, safe in both environments unless raised. */
    // evidence: athena.limit.token-requests
    static final int DEFAULT_TOKEN_REQUESTS_PER_MINUTE = 5;

    /** @throws ChartBridgeException when a required setting is missing or the patient lookup is not configured */
    static AthenaSettings of(Connection c) {
        require(c, c.baseUrl(), "baseUrl");
        require(c, c.tokenUrl(), "tokenUrl");
        require(c, c.clientId(), "clientId");
        require(c, c.clientSecret(), "clientSecretEnv or clientSecretFile");
        require(c, c.practiceId(), "practiceId");
        String department = c.setting("departmentId", null);
        require(c, department, "settings.departmentId");
        String lookup = c.setting("patientLookup", c.setting("mrnCustomFieldId", null) != null ? CUSTOM_FIELD
                : PATIENT_ID);
        if (!lookup.equals(CUSTOM_FIELD) && !lookup.equals(PATIENT_ID)) {
            throw new ChartBridgeException("connection " + c.name() + " (athenahealth): settings.patientLookup must be "
                    + CUSTOM_FIELD + " or " + PATIENT_ID);
        }
        if (lookup.equals(CUSTOM_FIELD)) {
            require(c, c.setting("mrnCustomFieldId", null), "settings.mrnCustomFieldId");
        }
        String base = c.baseUrl().replaceAll("/+$", "");
        return new AthenaSettings(base + "/v1/" + c.practiceId(), c.tokenUrl(), c.clientId(), c.clientSecret(),
                department, lookup, c.setting("mrnCustomFieldId", null),
                c.setting("patientIdSystem", DEFAULT_PATIENT_ID_SYSTEM), c.setting("mrnSystem", null),
                c.setting("encounterSystem", DEFAULT_ENCOUNTER_SYSTEM), ZoneId.of(c.setting("timeZone", "UTC")),
                c.readTimeout() == null ? Duration.ofSeconds(15) : c.readTimeout(),
                Integer.parseInt(c.setting("tokenRequestsPerMinute",
                        Integer.toString(DEFAULT_TOKEN_REQUESTS_PER_MINUTE))),
                prefixed(c, "providerId."), prefixed(c, "documentSubclass."));
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
        return "AthenaSettings[" + apiBase + ", department " + departmentId + ", " + patientLookup + "]";
    }
}
