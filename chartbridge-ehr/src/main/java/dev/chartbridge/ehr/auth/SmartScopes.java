package dev.chartbridge.ehr.auth;

import com.fasterxml.jackson.databind.JsonNode;
import dev.chartbridge.core.ChartBridgeException;
import dev.chartbridge.core.json.Json;
import dev.chartbridge.ehr.profile.VendorProfile;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The least SMART v2 system scopes a connection needs for the event types its tenant enabled: per written
 * resource type {@code c} (create), {@code r} (read back to verify) and {@code s} (search for an earlier write
 * after an unknown outcome), and {@code s} on Patient and Encounter (resolving the event's context by
 * identifier), and {@code u} (update) apart where the profile describes updates of the type. A tenant that
 * only writes vitals asks for nothing about notes or conditions.
 *
 * <p>A vendor that publishes its scope list (resource {@code vendor-data/<vendor>-smart-configuration.json},
 * {@code scopes_supported}; eClinicalWorks) is asked only in spellings from that list: each need is covered by the
 * fewest published forms of the type ({@code c} and {@code rs} for {@code crs}; {@code rs} for {@code s}), and a
 * need no published form covers is a configuration error. Stateless.
 */
// evidence: ecw.auth.published-scopes
public final class SmartScopes {
    private SmartScopes() {
    }

    /** E.g. {@code [system/Patient.s, system/Encounter.s, system/Observation.crs]} for vitals only. */
    public static List<String> leastFor(VendorProfile profile, Collection<String> enabledEventTypes) {
        Map<String, String> needs = needs(profile, enabledEventTypes);
        Set<String> published = published(profile.vendor());
        List<String> scopes = new ArrayList<>();
        for (Map.Entry<String, String> need : needs.entrySet()) {
            scopes.addAll(published == null ? List.of("system/" + need.getKey().replace("#update", "") + "."
                    + need.getValue())
                    : spelled(need.getKey(), need.getValue(), published, profile.vendor()));
        }
        return List.copyOf(new LinkedHashSet<>(scopes));
    }

    /** Per resource type (in asking order) the SMART v2 permission letters needed, e.g. {@code crs}. */
    private static Map<String, String> needs(VendorProfile profile, Collection<String> enabledEventTypes) {
        TreeSet<String> written = new TreeSet<>();
        TreeSet<String> updated = new TreeSet<>();
        for (String type : enabledEventTypes) {
            VendorProfile.EventSupport support = profile.support(type);
            if (support.supported() && support.resource() != null) {
                written.add(support.resource());
                if (profile.updateRefusal(type) == null) {
                    updated.add(support.resource());
                }
            }
        }
        Map<String, String> needs = new LinkedHashMap<>();
        needs.put("Patient", "s");
        needs.put("Encounter", "s");
        written.forEach(resource -> needs.put(resource, "crs"));
        // Asked for apart, so a client registered without updates still gets its create, read and search scopes.
        updated.forEach(resource -> needs.put(resource + "#update", "u"));
        return needs;
    }

    /**
     * The published forms ({@code system/<type>.<letters>}) that together cover {@code letters}: one form that is
     * exactly the need if published, else per letter still uncovered the published form covering the most of them.
     */
    static List<String> spelled(String typeKey, String letters, Set<String> published, String vendor) {
        String type = typeKey.replace("#update", "");
        String prefix = "system/" + type + ".";
        if (published.contains(prefix + letters)) {
            return List.of(prefix + letters);
        }
        List<String> forms = published.stream().filter(s -> s.startsWith(prefix))
                .map(s -> s.substring(prefix.length())).filter(s -> s.matches("[cruds]+")).toList();
        List<String> out = new ArrayList<>();
        StringBuilder missing = new StringBuilder(letters);
        while (!missing.isEmpty()) {
            String best = null;
            int bestCovered = 0;
            for (String form : forms) {
                int covered = (int) missing.chars().filter(ch -> form.indexOf(ch) >= 0).count();
                if (covered > bestCovered || (covered == bestCovered && covered > 0 && form.length() < best.length())) {
                    best = form;
                    bestCovered = covered;
                }
            }
            if (best == null) {
                throw new ChartBridgeException(vendor + " publishes no scope that allows '" + missing + "' on " + type);
            }
            out.add(prefix + best);
            String chosen = best;
            missing = new StringBuilder(missing.chars().filter(ch -> chosen.indexOf(ch) < 0)
                    .collect(StringBuilder::new, StringBuilder::appendCodePoint, StringBuilder::append));
        }
        return out;
    }

    /** The vendor's published {@code scopes_supported}, or null when the gateway has none for it. */
    private static Set<String> published(String vendor) {
        try (InputStream in = SmartScopes.class.getResourceAsStream(
                "/vendor-data/" + vendor + "-smart-configuration.json")) {
            if (in == null) {
                return null;
            }
            JsonNode config = Json.MAPPER.readTree(in);
            Set<String> scopes = new TreeSet<>();
            config.path("scopes_supported").forEach(s -> scopes.add(s.asText()));
            return scopes;
        } catch (IOException e) {
            throw new ChartBridgeException("smart-configuration of " + vendor + " could not be read", e);
        }
    }
}
