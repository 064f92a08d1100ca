package dev.chartbridge.core.event;

import java.math.BigDecimal;

/**
 * Starting, changing or stopping a medication, coded in RxNorm. Dose, route and frequency are required unless
 * the action is {@code stop}.
 */
public record MedicationChangePayload(String action, Coding medication, BigDecimal doseValue, String doseUnit,
                                      String route, String frequency, String reason) implements Payload {
}
