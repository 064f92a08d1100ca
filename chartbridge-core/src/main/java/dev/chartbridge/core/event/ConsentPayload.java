package dev.chartbridge.core.event;

import java.time.LocalDate;

/**
 * A patient's consent decision: {@code decision} permit or deny, for a scope (e.g. {@code patient-privacy},
 * {@code treatment}, {@code research}), valid over a period (end may be null), under a jurisdiction.
 */
public record ConsentPayload(String status, String scope, String decision, LocalDate periodStart, LocalDate periodEnd,
                             String jurisdiction) implements Payload {
}
