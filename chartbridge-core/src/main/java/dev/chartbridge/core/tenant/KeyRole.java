package dev.chartbridge.core.tenant;

import java.util.Arrays;
import java.util.Optional;

/**
 * What an API key may do. A key holds one or more roles; each API route names the roles that may call it.
 * <ul>
 *     <li>{@code app}: submit events and read their status (the calling health app);</li>
 *     <li>{@code reviewer}: act on the review queue and approve held writes, read the audit trail;</li>
 *     <li>{@code admin}: manage keys, webhooks and release controls, read the break-glass report.</li>
 * </ul>
 */
public enum KeyRole {
    APP("app"), REVIEWER("reviewer"), ADMIN("admin");

    private final String wireName;

    KeyRole(String wireName) {
        this.wireName = wireName;
    }

    /** The name in configuration, the API and the database. */
    public String wireName() {
        return wireName;
    }

    public static Optional<KeyRole> fromWire(String name) {
        return Arrays.stream(values()).filter(r -> r.wireName.equals(name)).findFirst();
    }
}
