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
    /**
     * Send again without searching the EHR first; a reason is required. For an update in {@code CONFLICT}: the
     * gateway's whole intended record replaces the current version the reviewer saw ({@code If-Match} that version).
     */
    RESEND_ANYWAY("resend-anyway"),
    /**
     * For an update in {@code CONFLICT}: apply the gateway's changed fields on top of the record's current version
     * (the one shown next to the intent), keeping the EHR's other changes, with {@code If-Match} that version.
     */
    APPLY_ON_CURRENT("apply-on-current");

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
