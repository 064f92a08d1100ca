package dev.chartbridge.core.event;

/**
 * Where the content came from. For AI-assisted content: the hash of the source transcript, the model and prompt
 * version that produced the draft, how many edits the clinician made, and the clinician's attestation.
 * Fields other than {@code aiAssisted} are null when the content was not AI-assisted.
 */
public record Provenance(boolean aiAssisted, String transcriptHash, String model, String promptVersion,
                         Integer edits, Attestation attestation) {
    public static Provenance human() {
        return new Provenance(false, null, null, null, null, null);
    }
}
