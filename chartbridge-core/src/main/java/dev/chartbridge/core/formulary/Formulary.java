package dev.chartbridge.core.formulary;

import dev.chartbridge.core.event.MedicationChangePayload;

/**
 * A tenant's formulary, consulted at intake for every medication change that starts or changes a medication (a
 * stop is never refused: stopping a drug the formulary does not carry must stay possible). A refusal is a 422
 * naming {@code /payload/medication/code}, audited like every gate refusal. Implementations must be thread-safe and
 * quick: they run on the intake path, before anything is stored. {@link FileFormulary} is the default.
 */
public interface Formulary {
    /** Takes everything. */
    Formulary OPEN = change -> FormularyDecision.allow();

    FormularyDecision decide(MedicationChangePayload change);
}
