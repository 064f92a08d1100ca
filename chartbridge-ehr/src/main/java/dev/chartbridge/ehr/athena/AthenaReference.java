package dev.chartbridge.ehr.athena;

import com.fasterxml.jackson.databind.JsonNode;
import dev.chartbridge.core.adapter.ErrorClass;
import dev.chartbridge.core.adapter.Exchange;
import dev.chartbridge.core.adapter.VendorError;
import dev.chartbridge.ehr.RecentMatches;
import dev.chartbridge.ehr.auth.AuthException;

import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * athena's own ids for allergens and medications, looked up in its reference lists
 * ({@code /reference/allergies}, {@code /reference/medications}): athena takes its own {@code allergenid} and
 * {@code medicationid}, never an RxNorm code (sending one risks filing another drug). The list is searched by
 * the first word of the event's display name and the entry is taken only when exactly one athena id carries that
 * very name (case and spacing aside): no such entry is a refusal, several go to review, nothing is guessed or
 * fuzzily matched. Found ids are cached for an hour (reference data). Thread-safe.
 */
// evidence: athena.reference.allergies, athena.reference.allergies-shape, athena.reference.medications, athena.medications.not-rxnorm
final class AthenaReference {
    private static final Duration TTL = Duration.ofHours(1);

    private final AthenaApi api;
    private final RecentMatches<Found> cache;

    AthenaReference(AthenaApi api, Clock clock) {
        this.api = api;
        this.cache = new RecentMatches<>(clock);
    }

    /**
     * The outcome of a lookup: the id and athena's name for it, or an error.
     *
     * @param review true when several athena ids carry the name (a person must choose)
     * @param refused true when none does
     */
    record Lookup(String id, String name, VendorError error, boolean refused, boolean review, Exchange exchange) {
    }

    private record Found(String id, String name) {
    }

    Lookup allergen(String display) {
        return lookup("allergies", display, new String[] {"allergyid", "allergenid"},
                new String[] {"allergy", "allergenname"});
    }

    Lookup medication(String display) {
        return lookup("medications", display, new String[] {"medicationid"}, new String[] {"medication"});
    }

    private Lookup lookup(String list, String display, String[] idFields, String[] nameFields) {
        String wanted = normalised(display);
        String key = list + "|" + wanted;
        Found hit = cache.get(key);
        if (hit != null) {
            return new Lookup(hit.id(), hit.name(), null, false, false, Exchange.none());
        }
        String search = wanted.split(" ")[0];
        Exchange ex = new Exchange("GET /reference/" + list + "?searchvalue", null, 0);
        if (search.length() < 2) {
            return new Lookup(null, null, VendorError.of(ErrorClass.INVALID, "the name is too short to search athena's"
                    + " reference list"), true, false, ex);
        }
        AthenaApi.Answer a;
        try {
            a = api.get("/reference/" + list + "?searchvalue=" + AthenaApi.query(search));
        } catch (AuthException e) {
            return new Lookup(null, null, AthenaOutcomes.ofAuth(e), false, false, ex);
        } catch (IOException e) {
            return new Lookup(null, null, AthenaOutcomes.ofFailure(e), false, false, ex);
        }
        ex = new Exchange(ex.request(), null, a.status());
        if (a.status() != 200) {
            return new Lookup(null, null, AthenaOutcomes.error(a), false, false, ex);
        }
        if (a.body() == null || !a.body().isArray()) {
            return new Lookup(null, null, AthenaContext.unrecognised("reference " + list + " is not an array"),
                    false, false, ex);
        }
        Map<String, String> exact = new TreeMap<>();
        for (JsonNode row : a.body()) {
            String id = first(row, idFields);
            String name = first(row, nameFields);
            if (id == null || name == null) {
                return new Lookup(null, null, AthenaContext.unrecognised("a reference " + list + " row without "
                        + String.join("/", idFields) + " and " + String.join("/", nameFields)), false, false, ex);
            }
            if (normalised(name).equals(wanted)) {
                exact.put(id, name);
            }
        }
        if (exact.isEmpty()) {
            return new Lookup(null, null, new VendorError(ErrorClass.INVALID, "no-reference-match", "athena's "
                    + list + " reference has no entry named exactly '" + display + "'; nothing was sent (an RxNorm"
                    + " code is no athena id)"), true, false, ex);
        }
        if (exact.size() > 1) {
            return new Lookup(null, null, new VendorError(ErrorClass.CONFLICT, "ambiguous-reference", "athena's "
                    + list + " reference has " + exact.size() + " entries named '" + display + "' (ids "
                    + exact.keySet() + "); a person must choose, nothing was sent"), false, true, ex);
        }
        Map.Entry<String, String> only = exact.entrySet().iterator().next();
        cache.put(key, new Found(only.getKey(), only.getValue()), TTL);
        return new Lookup(only.getKey(), only.getValue(), null, false, false, ex);
    }

    private static String first(JsonNode row, String[] fields) {
        for (String f : fields) {
            if (row.hasNonNull(f) && !row.get(f).asText().isBlank()) {
                return row.get(f).asText();
            }
        }
        return null;
    }

    static String normalised(String name) {
        return name == null ? "" : name.trim().replaceAll("\\s+", " ").toLowerCase(Locale.ROOT);
    }
}
