package dev.chartbridge.core.tenant;

/**
 * A tenant's safety settings for intake.
 *
 * @param requiredConsentScope when set ({@code treatment}, {@code patient-privacy} or {@code research}), every
 *                             event other than a consent needs an active permitting consent of that scope for the
 *                             patient on record; null to not require consent
 */
public record TenantPolicy(String requiredConsentScope) {
    public static TenantPolicy permissive() {
        return new TenantPolicy(null);
    }
}
