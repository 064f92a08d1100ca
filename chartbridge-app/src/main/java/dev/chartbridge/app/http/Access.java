package dev.chartbridge.app.http;

import dev.chartbridge.core.tenant.KeyRole;

import java.util.EnumSet;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Who may call a route: anyone ({@link #OPEN}: health, the OpenAPI document, JWKS, metrics with its own token), or a
 * tenant key holding at least one of {@code roles}. Every route declares one in the {@link RouteTable}. Immutable.
 */
record Access(boolean open, Set<KeyRole> roles) {
    static final Access OPEN = new Access(true, Set.of());

    Access {
        roles = Set.copyOf(roles);
    }

    /** A key with any one of {@code roles}. */
    static Access anyOf(KeyRole first, KeyRole... more) {
        return new Access(false, EnumSet.of(first, more));
    }

    boolean allows(Set<KeyRole> held) {
        return open || held.stream().anyMatch(roles::contains);
    }

    /** The roles as documented: {@code app, reviewer}, or {@code open}. */
    String describe() {
        return open ? "open" : roles.stream().sorted().map(KeyRole::wireName).collect(Collectors.joining(", "));
    }
}
