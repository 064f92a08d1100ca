package dev.chartbridge.ehr;

import dev.chartbridge.core.adapter.ErrorClass;
import dev.chartbridge.core.adapter.VendorError;
import dev.chartbridge.core.event.ClinicalEvent;
import dev.chartbridge.core.event.Identifier;

import java.time.Clock;
import java.time.Duration;

/**
 * What the patient and encounter lookups of vendors that keep no identifiers of ours share (AdvancedMD, Veradigm):
 * the event's identifier to search by (the one of the configured MRN system, else the primary one), the rule that
 * exactly one patient must match (none or several is a refusal, never a guess; patients are never created), and a
 * two-minute memory of matched patients and of encounters found open, since every lookup costs a vendor call. The
 * calls themselves and what they answer stay with the vendor. Error texts name identifier systems, never values.
 * Thread-safe.
 */
public final class PatientMatches {
    private static final Duration TTL = Duration.ofMinutes(2);

    private final String mrnSystem;
    private final RecentMatches<String> cache;

    /** @param mrnSystem the identifier system patients are searched by; null for the event's primary identifier */
    public PatientMatches(String mrnSystem, Clock clock) {
        this.mrnSystem = mrnSystem;
        this.cache = new RecentMatches<>(clock);
    }

    /** The patient identifier to search by, or null when the event has none of the system. */
    public Identifier mrn(ClinicalEvent event) {
        return mrnSystem == null ? event.primaryPatientIdentifier() : event.patientIdentifiers().stream()
                .filter(i -> i.system().equals(mrnSystem)).findFirst().orElse(null);
    }

    /** The refusal for an event without a patient identifier to search by. */
    public VendorError noIdentifier() {
        return refusal("no-identifier", "the event has no patient identifier of system " + mrnSystem);
    }

    /**
     * Null when exactly one patient matched; else the refusal, e.g. "no Unity patient has the MRN (system …)".
     *
     * @param vendor what the vendor is called in the text
     * @param key    what the identifier is called at the vendor ("the MRN", "the chart number")
     */
    public static VendorError unlessOne(int matches, String vendor, String key, Identifier mrn) {
        if (matches == 1) {
            return null;
        }
        return refusal(matches == 0 ? "not-found" : "ambiguous", (matches == 0
                ? "no " + vendor + " patient has " + key
                : matches + " " + vendor + " patients have " + key + "; refusing to guess")
                + " (system " + mrn.system() + ")");
    }

    /** A final refusal: the event cannot be written as it stands. */
    public static VendorError refusal(String code, String why) {
        return new VendorError(ErrorClass.INVALID, code, why);
    }

    /** The vendor's id of the patient matched to this identifier within the last two minutes, or null. */
    public String patient(Identifier mrn) {
        return cached("patient|" + mrn.value());
    }

    public void matched(Identifier mrn, String patientId) {
        remember("patient|" + mrn.value(), patientId);
    }

    /** Whether this encounter was found open and the patient's within the last two minutes. */
    public boolean open(String patientId, Identifier encounter) {
        return cached("encounter|" + patientId + "|" + encounter.value()) != null;
    }

    public void foundOpen(String patientId, Identifier encounter) {
        remember("encounter|" + patientId + "|" + encounter.value(), encounter.value());
    }

    private String cached(String key) {
        return cache.get(key);
    }

    private void remember(String key, String id) {
        cache.put(key, id, TTL);
    }
}
