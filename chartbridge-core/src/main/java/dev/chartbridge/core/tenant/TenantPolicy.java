package dev.chartbridge.core.tenant;

import dev.chartbridge.core.event.AuthorRole;
import dev.chartbridge.core.formulary.Formulary;

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
 */
public record TenantPolicy(String requiredConsentScope, Set<AuthorRole> breakGlassRoles, Formulary formulary) {
    public TenantPolicy {
        breakGlassRoles = breakGlassRoles == null ? Set.of() : Set.copyOf(breakGlassRoles);
        formulary = formulary == null ? Formulary.OPEN : formulary;
    }

    public TenantPolicy(String requiredConsentScope) {
        this(requiredConsentScope, Set.of(), Formulary.OPEN);
    }

    public static TenantPolicy permissive() {
        return new TenantPolicy(null);
    }
}
