package dev.chartbridge.core.event;

import java.util.List;

/** An allergy or intolerance to a coded substance, with its reactions. */
public record AllergyPayload(Coding substance, String clinicalStatus, String verificationStatus, String criticality,
                             List<Reaction> reactions) implements Payload {

    /** One observed reaction: what was seen (a coded manifestation) and how severe it was. */
    public record Reaction(Coding manifestation, String severity) {
    }
}
