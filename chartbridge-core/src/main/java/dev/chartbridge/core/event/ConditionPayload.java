package dev.chartbridge.core.event;

import java.time.LocalDate;

/** A diagnosis or problem-list entry, coded in SNOMED CT or ICD-10-CM. */
public record ConditionPayload(Coding code, String clinicalStatus, String verificationStatus, LocalDate onset,
                               String note) implements Payload {
}
