package dev.chartbridge.core.adapter;

/**
 * One EHR connection of one tenant: its name (what events list in {@code targets}), the adapter that writes to
 * it, and how many writes may be in flight to it at once from one node.
 */
public record Target(String tenantId, String name, EhrAdapter adapter, int maxConcurrency) {
    /** The delivery queue of this target: tenant and connection name. */
    public String queue() {
        return tenantId + "/" + name;
    }
}
