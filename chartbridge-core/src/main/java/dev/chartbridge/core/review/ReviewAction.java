package dev.chartbridge.core.review;

import java.util.Arrays;
import java.util.Optional;

/** What a reviewer can do with an operation in review. Each is audited as {@code review.<wire name>}. */
public enum ReviewAction {
    /** Hand it back to the engine: reconciled first when a send may have landed, verified again when written. */
    RETRY("retry"),
    /** The reviewer found the record in the EHR: its id is stored and the engine verifies it. */
    MARK_DELIVERED("mark-delivered"),
    /** End it; the gateway writes nothing more for it. */
    DISCARD("discard"),
    /** Send again without searching the EHR first; a reason is required. */
    RESEND_ANYWAY("resend-anyway");

    private final String wireName;

    ReviewAction(String wireName) {
        this.wireName = wireName;
    }

    public String wireName() {
        return wireName;
    }

    public static Optional<ReviewAction> fromWire(String name) {
        return Arrays.stream(values()).filter(a -> a.wireName.equals(name)).findFirst();
    }
}
