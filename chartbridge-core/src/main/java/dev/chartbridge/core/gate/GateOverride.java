package dev.chartbridge.core.gate;

import dev.chartbridge.core.json.FieldError;

/**
 * A gate that would have refused an event and was overridden by break-glass: which gate, and what it would have
 * said. Immutable.
 */
public record GateOverride(Gate gate, FieldError wouldHaveRefused) {
}
