package dev.chartbridge.core.adapter;

import java.util.Collection;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

/** The configured EHR connections of all tenants. Immutable and thread-safe. */
public final class Targets {
    private final Map<String, Target> byQueue;

    public Targets(Collection<Target> targets) {
        this.byQueue = targets.stream().collect(Collectors.toUnmodifiableMap(Target::queue, Function.identity()));
    }

    public Optional<Target> find(String tenantId, String name) {
        return Optional.ofNullable(byQueue.get(tenantId + "/" + name));
    }

    public Collection<Target> all() {
        return byQueue.values();
    }
}
