package dev.chartbridge.core.tenant;

import dev.chartbridge.core.event.AuthorRole;
import dev.chartbridge.core.event.EventType;
import dev.chartbridge.core.formulary.Formulary;

import java.util.Map;
import java.util.Set;

/**
 * A tenant's safety settings for intake. Immutable.
 *
 * @param requiredConsentScope when set ({@code treatment}, {@code patient-privacy} or {@code research}), every
 *                             event other than a consent needs an active permitting consent of that scope for the
 *                             patient on record; null to not require consent
 * @param breakGlassRoles      the author roles that may override an overridable gate with a reason (break-glass);
 *                             empty: nobody may
 * @param formulary            consulted for medication changes that start or change a medication
 * @param onConflict           per event type (wire name) what an update does when the record changed in the EHR:
 *                             {@code merge} (apply the gateway's change on top when the two touched different
 *                             fields) or {@code review}; absent types use {@link #conflictPolicy(EventType)}'s default
 * @param compensation         per event type what happens to the written siblings of a partially delivered fan-out:
 *                             {@code none} (default: surfaced, nothing changed) or {@code entered-in-error}
 */
public record TenantPolicy(String requiredConsentScope, Set<AuthorRole> breakGlassRoles, Formulary formulary,
                           Map<String, String> onConflict, Map<String, String> compensation) {
    public static final String MERGE = "merge";
    public static final String REVIEW = "review";
    public static final String NO_COMPENSATION = "none";
    public static final String ENTERED_IN_ERROR = "entered-in-error";

    public TenantPolicy {
        breakGlassRoles = breakGlassRoles == null ? Set.of() : Set.copyOf(breakGlassRoles);
        formulary = formulary == null ? Formulary.OPEN : formulary;
        onConflict = onConflict == null ? Map.of() : Map.copyOf(onConflict);
        compensation = compensation == null ? Map.of() : Map.copyOf(compensation);
    }

    public TenantPolicy(String requiredConsentScope) {
        this(requiredConsentScope, Set.of(), Formulary.OPEN, Map.of(), Map.of());
    }

    public static TenantPolicy permissive() {
        return new TenantPolicy(null);
    }

    /**
     * {@code merge} or {@code review}. Default: follow-up tasks (low risk) merge, everything else goes to review;
     * a medication change always goes to review, whatever is configured.
     */
    public String conflictPolicy(EventType type) {
        if (type == EventType.MEDICATION_CHANGE) {
            return REVIEW;
        }
        return onConflict.getOrDefault(type.wireName(), type == EventType.FOLLOW_UP_TASK ? MERGE : REVIEW);
    }

    /** {@code none} or {@code entered-in-error} for events of {@code type}. */
    public String compensationPolicy(EventType type) {
        return compensation.getOrDefault(type.wireName(), NO_COMPENSATION);
    }
}
