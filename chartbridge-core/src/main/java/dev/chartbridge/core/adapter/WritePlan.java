package dev.chartbridge.core.adapter;

import java.util.List;

/**
 * How a target will take an event: one resource type per payload part, or a refusal saying why the target cannot
 * take it at all (decided at intake, never discovered late).
 */
public record WritePlan(List<String> resourceTypes, String refusal) {
    public static WritePlan of(List<String> resourceTypes) {
        return new WritePlan(List.copyOf(resourceTypes), null);
    }

    public static WritePlan refused(String reason) {
        return new WritePlan(List.of(), reason);
    }

    public boolean isRefused() {
        return refusal != null;
    }
}
