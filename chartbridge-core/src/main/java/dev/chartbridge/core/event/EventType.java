package dev.chartbridge.core.event;

import java.util.Arrays;
import java.util.Optional;

/** The seven kinds of canonical clinical event, with the name used on the wire. */
public enum EventType {
    VITALS("vitals"),
    NOTE("note"),
    CONDITION("condition"),
    ALLERGY("allergy"),
    MEDICATION_CHANGE("medication-change"),
    FOLLOW_UP_TASK("follow-up-task"),
    CONSENT("consent");

    private final String wireName;

    EventType(String wireName) {
        this.wireName = wireName;
    }

    public String wireName() {
        return wireName;
    }

    public static Optional<EventType> fromWire(String name) {
        return Arrays.stream(values()).filter(t -> t.wireName.equals(name)).findFirst();
    }

    public static String allowedNames() {
        return String.join(", ", Arrays.stream(values()).map(EventType::wireName).toList());
    }
}
