package dev.chartbridge.ehr.auth;

import dev.chartbridge.ehr.profile.VendorProfile;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.TreeSet;

/**
 * The least SMART v2 system scopes a connection needs for the event types its tenant enabled: per written
 * resource type {@code c} (create), {@code r} (read back to verify) and {@code s} (search for an earlier write
 * after an unknown outcome), and {@code s} on Patient and Encounter (resolving the event's context by
 * identifier), and {@code u} (update) apart where the profile describes updates of the type. A tenant that
 * only writes vitals asks for nothing about notes or conditions. Stateless.
 */
public final class SmartScopes {
    private SmartScopes() {
    }

    /** E.g. {@code [system/Patient.s, system/Encounter.s, system/Observation.crs]} for vitals only. */
    public static List<String> leastFor(VendorProfile profile, Collection<String> enabledEventTypes) {
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
        List<String> scopes = new ArrayList<>(List.of("system/Patient.s", "system/Encounter.s"));
        written.forEach(resource -> scopes.add("system/" + resource + ".crs"));
        // Asked for apart, so a client registered without updates still gets its create, read and search scopes.
        updated.forEach(resource -> scopes.add("system/" + resource + ".u"));
        return scopes;
    }
}
