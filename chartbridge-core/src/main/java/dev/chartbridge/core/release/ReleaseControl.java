package dev.chartbridge.core.release;

import dev.chartbridge.core.event.ClinicalEvent;
import dev.chartbridge.core.event.Identifier;

import java.util.Set;
import java.util.TreeSet;

/**
 * The release setting of one event type on one target. With both allowlists empty every event gets {@code mode};
 * otherwise an event naming a listed patient identifier ({@code system|value}) or whose author's NPI is listed gets
 * {@code mode}, and every other event gets {@code otherwise} (e.g. live for pilot patients, shadow for the rest).
 * Immutable.
 */
public record ReleaseControl(String target, String eventType, ReleaseMode mode, Set<String> allowPatients,
                             Set<String> allowAuthors, ReleaseMode otherwise) {
    public ReleaseControl {
        allowPatients = allowPatients == null ? Set.of() : Set.copyOf(new TreeSet<>(allowPatients));
        allowAuthors = allowAuthors == null ? Set.of() : Set.copyOf(new TreeSet<>(allowAuthors));
        otherwise = otherwise == null ? ReleaseMode.SHADOW : otherwise;
    }

    /** What a target without a stored setting does: everything live. */
    public static ReleaseControl live(String target, String eventType) {
        return new ReleaseControl(target, eventType, ReleaseMode.LIVE, Set.of(), Set.of(), ReleaseMode.LIVE);
    }

    /** The mode this event gets. */
    public ReleaseMode modeFor(ClinicalEvent event) {
        if (allowPatients.isEmpty() && allowAuthors.isEmpty()) {
            return mode;
        }
        boolean listed = allowAuthors.contains(event.author().npi())
                || event.patientIdentifiers().stream().map(Identifier::token).anyMatch(allowPatients::contains);
        return listed ? mode : otherwise;
    }

    /** True when {@code mode} applies to some events only. */
    public boolean hasAllowlist() {
        return !allowPatients.isEmpty() || !allowAuthors.isEmpty();
    }
}
