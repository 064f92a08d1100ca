package dev.chartbridge.core.gate;

import dev.chartbridge.core.json.FieldError;

import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * A request to override named gates for one event (break-glass), with the reason the user gives. The user is the
 * event's author, whose role the tenant must allow to break the glass; an override is audited as its own entry
 * ({@code gate.overridden}), counted and reported. Immutable.
 *
 * @param gates  the gates to override, each {@link Gate#overridable()}
 * @param reason why, as the user states it; never blank
 */
public record BreakGlass(Set<Gate> gates, String reason) {
    public static final String GATES_HEADER = "X-Break-Glass";
    public static final String REASON_HEADER = "X-Break-Glass-Reason";
    private static final int MAX_REASON = 1000;

    public BreakGlass {
        gates = Set.copyOf(gates);
    }

    /**
     * Reads the two headers; null when neither is sent or when they are invalid (each problem is added to
     * {@code errors}, naming {@code header:X-Break-Glass} or {@code header:X-Break-Glass-Reason}).
     */
    public static BreakGlass parse(String gatesHeader, String reasonHeader, List<FieldError> errors) {
        if (gatesHeader == null && reasonHeader == null) {
            return null;
        }
        int before = errors.size();
        Set<Gate> gates = EnumSet.noneOf(Gate.class);
        if (gatesHeader == null || gatesHeader.isBlank()) {
            errors.add(new FieldError("header:" + GATES_HEADER, "is required with a break-glass reason: name the"
                    + " gates to override (" + Gate.overridableNames() + ")"));
        } else {
            for (String name : gatesHeader.split(",")) {
                Gate gate = Gate.fromWire(name.trim()).orElse(null);
                if (gate == null || !gate.overridable()) {
                    errors.add(new FieldError("header:" + GATES_HEADER, (gate == null ? "names no gate: '"
                            : "names a gate that may never be overridden: '") + name.trim()
                            + "' (may be overridden: " + Gate.overridableNames() + ")"));
                } else {
                    gates.add(gate);
                }
            }
        }
        if (reasonHeader == null || reasonHeader.isBlank()) {
            errors.add(new FieldError("header:" + REASON_HEADER, "is required: a break-glass needs the reason"));
        } else if (reasonHeader.strip().length() > MAX_REASON) {
            errors.add(new FieldError("header:" + REASON_HEADER, "must be at most " + MAX_REASON + " characters"));
        }
        return errors.size() > before ? null : new BreakGlass(gates, reasonHeader.strip());
    }
}
