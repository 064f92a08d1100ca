package dev.chartbridge.core.event;

import java.math.BigDecimal;

/**
 * One vital-sign measurement. For blood pressure {@code systolic} and {@code diastolic} are set and
 * {@code value} is null; for every other kind only {@code value} is set.
 */
public record Measurement(VitalKind kind, BigDecimal value, BigDecimal systolic, BigDecimal diastolic, String unit) {
}
