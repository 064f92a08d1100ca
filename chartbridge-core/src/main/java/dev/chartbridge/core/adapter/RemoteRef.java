package dev.chartbridge.core.adapter;

/** Where a write landed in the EHR: resource type (or vendor record kind), its id, and its version if versioned. */
public record RemoteRef(String resourceType, String id, String version) {
}
