package dev.chartbridge.core.event;

import java.util.Arrays;
import java.util.Optional;

/** Note types ChartBridge accepts, with their LOINC document codes. */
public enum NoteType {
    PROGRESS_NOTE("progress-note", "11506-3", "Progress note"),
    CONSULT_NOTE("consult-note", "11488-4", "Consult note"),
    HISTORY_AND_PHYSICAL("history-and-physical", "34117-2", "History and physical note"),
    DISCHARGE_SUMMARY("discharge-summary", "18842-5", "Discharge summary"),
    TELEPHONE_ENCOUNTER("telephone-encounter", "34748-4", "Telephone encounter Note"),
    NURSE_NOTE("nurse-note", "34746-8", "Nurse Note");

    private final String wireName;
    private final String loinc;
    private final String display;

    NoteType(String wireName, String loinc, String display) {
        this.wireName = wireName;
        this.loinc = loinc;
        this.display = display;
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

    public static Optional<NoteType> fromWire(String name) {
        return Arrays.stream(values()).filter(t -> t.wireName.equals(name)).findFirst();
    }

    public static String allowedNames() {
        return String.join(", ", Arrays.stream(values()).map(NoteType::wireName).toList());
    }
}
