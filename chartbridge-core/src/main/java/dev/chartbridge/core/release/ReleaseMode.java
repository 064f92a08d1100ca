package dev.chartbridge.core.release;

import java.util.Arrays;
import java.util.Optional;

/** How far writes of one event type to one target are released. */
public enum ReleaseMode {
    /** Refused at intake (422), audited. */
    OFF,
    /** Planned, stored and rendered exactly as they would be sent, and never sent; they end {@code SHADOWED}. */
    SHADOW,
    /** Sent. The default. */
    LIVE;

    public String wireName() {
        return name().toLowerCase();
    }

    /** The mode named {@code off}, {@code shadow} or {@code live}; empty for anything else. */
    public static Optional<ReleaseMode> parse(String wire) {
        return Arrays.stream(values()).filter(m -> m.wireName().equals(wire)).findFirst();
    }
}
