package dev.chartbridge.core.event;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * The vital signs ChartBridge accepts, each with its LOINC code (from the FHIR vital signs profile) and the UCUM
 * units accepted for it. Blood pressure is a panel with systolic and diastolic components.
 */
public enum VitalKind {
    BLOOD_PRESSURE("blood-pressure", "85354-9", "Blood pressure panel", List.of("mm[Hg]")),
    HEART_RATE("heart-rate", "8867-4", "Heart rate", List.of("/min")),
    RESPIRATORY_RATE("respiratory-rate", "9279-1", "Respiratory rate", List.of("/min")),
    BODY_TEMPERATURE("body-temperature", "8310-5", "Body temperature", List.of("Cel", "[degF]")),
    OXYGEN_SATURATION("oxygen-saturation", "59408-5", "Oxygen saturation in Arterial blood by Pulse oximetry", List.of("%")),
    BODY_WEIGHT("body-weight", "29463-7", "Body weight", List.of("kg", "g", "[lb_av]")),
    BODY_HEIGHT("body-height", "8302-2", "Body height", List.of("cm", "m", "[in_i]"));

    public static final String SYSTOLIC_LOINC = "8480-6";
    public static final String DIASTOLIC_LOINC = "8462-4";

    private final String wireName;
    private final String loinc;
    private final String display;
    private final List<String> units;

    VitalKind(String wireName, String loinc, String display, List<String> units) {
        this.wireName = wireName;
        this.loinc = loinc;
        this.display = display;
        this.units = units;
    }

    public String wireName() {
        return wireName;
    }

    public String loinc() {
        return loinc;
    }

    public String display() {
        return display;
    }

    /** UCUM units accepted for this kind. */
    public List<String> units() {
        return units;
    }

    public static Optional<VitalKind> fromWire(String name) {
        return Arrays.stream(values()).filter(k -> k.wireName.equals(name)).findFirst();
    }

    public static String allowedNames() {
        return String.join(", ", Arrays.stream(values()).map(VitalKind::wireName).toList());
    }
}
