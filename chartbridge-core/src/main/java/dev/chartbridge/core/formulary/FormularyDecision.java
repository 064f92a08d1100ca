package dev.chartbridge.core.formulary;

/**
 * Whether a formulary takes a medication change, and why not. Immutable.
 *
 * @param reason why the change is refused; null when allowed
 */
public record FormularyDecision(boolean allowed, String reason) {
    private static final FormularyDecision ALLOWED = new FormularyDecision(true, null);

    public static FormularyDecision allow() {
        return ALLOWED;
    }

    public static FormularyDecision refuse(String reason) {
        return new FormularyDecision(false, reason);
    }
}
