package dev.chartbridge.core.gate;

import java.util.Arrays;
import java.util.Optional;

/**
 * The safety gates intake applies, by the name a break-glass request uses. Only gates about who may see or write
 * for a patient may be overridden (consent, patient-context binding); gates about what is written (the event's
 * validity, AI attestation, who may order medication, the formulary) and release controls never are.
 */
public enum Gate {
    CONSENT("consent", true),
    PATIENT_CONTEXT("patient-context", true),
    SCHEMA("schema", false),
    AI_ATTESTATION("ai-attestation", false),
    MEDICATION_ROLE("medication-role", false),
    FORMULARY("formulary", false),
    RELEASE_CONTROL("release-control", false);

    private final String wireName;
    private final boolean overridable;

    Gate(String wireName, boolean overridable) {
        this.wireName = wireName;
        this.overridable = overridable;
    }

    public String wireName() {
        return wireName;
    }

    /** Whether an authorized user may override this gate with a reason (break-glass). */
    public boolean overridable() {
        return overridable;
    }

    public static Optional<Gate> fromWire(String name) {
        return Arrays.stream(values()).filter(g -> g.wireName.equals(name)).findFirst();
    }

    /** The names of the gates that may be overridden, for error messages. */
    public static String overridableNames() {
        return String.join(", ", Arrays.stream(values()).filter(Gate::overridable).map(Gate::wireName).toList());
    }
}
