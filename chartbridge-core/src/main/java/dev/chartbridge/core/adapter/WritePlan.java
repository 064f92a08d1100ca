package dev.chartbridge.core.adapter;

import java.util.ArrayList;
import java.util.List;

/**
 * How a target will take an event: one resource type per payload part, or a refusal saying why the target cannot
 * take it at all (decided at intake, never discovered late). For an AI-assisted event, either a last part of type
 * {@link ProvenanceWriter#RESOURCE_TYPE} that sends the provenance of the others (the target keeps a Provenance),
 * or the reason the provenance is kept locally only ({@code provenanceKeptLocally}, null otherwise).
 */
public record WritePlan(List<String> resourceTypes, String refusal, String provenanceKeptLocally) {
    public static WritePlan of(List<String> resourceTypes) {
        return new WritePlan(List.copyOf(resourceTypes), null, null);
    }

    public static WritePlan refused(String reason) {
        return new WritePlan(List.of(), reason, null);
    }

    public boolean isRefused() {
        return refusal != null;
    }

    /** This plan with a Provenance of its parts as one more part, written after them. */
    public WritePlan withProvenance() {
        List<String> types = new ArrayList<>(resourceTypes);
        types.add(ProvenanceWriter.RESOURCE_TYPE);
        return new WritePlan(List.copyOf(types), refusal, null);
    }

    /** This plan, noting why the target is sent no provenance (it is kept in the gateway's audit trail only). */
    public WritePlan keepingProvenanceLocally(String why) {
        return new WritePlan(resourceTypes, refusal, why);
    }
}
