package dev.chartbridge.ehr.profile;

import dev.chartbridge.core.event.EventType;

import java.util.List;
import java.util.stream.Collectors;

/**
 * Renders {@code docs/mapping-matrix.md} from the vendor profiles, so the document cannot drift from what the
 * adapters do (a test fails when the committed file differs from this output). Stateless.
 */
public final class MappingMatrix {
    private MappingMatrix() {
    }

    public static String markdown(List<VendorProfile> profiles) {
        StringBuilder md = new StringBuilder();
        md.append("# Mapping matrix\n\n")
                .append("Generated from `chartbridge-ehr/src/main/resources/profiles/*.yaml` by `MappingMatrix`; do not edit\n")
                .append("by hand (`MappingMatrixTest` fails when this file differs from what the profiles generate).\n")
                .append("A refused cell is refused at intake with 422, naming the vendor, the event type and the reason.\n\n");
        header(md, profiles);
        for (EventType type : EventType.values()) {
            md.append("| `").append(type.wireName()).append("` |");
            for (VendorProfile p : profiles) {
                md.append(' ').append(cell(p.support(type.wireName()))).append(" |");
            }
            md.append('\n');
        }
        md.append("| AI provenance |");
        profiles.forEach(p -> md.append(' ').append(provenance(p.provenance())).append(" |"));
        md.append("\n\nAI provenance: for an AI-assisted event (model, prompt version, transcript hash, the")
                .append(" clinician's edits\nand attestation), what the EHR is sent besides the writes. It is always")
                .append(" kept in the gateway's audit\ntrail and its FHIR export; a Provenance sent is its own")
                .append(" operation, after the writes it describes.\n");
        md.append("\n## Updates\n\n")
                .append("How a record written earlier is changed: by an amendment (`amends`, for follow-up-task, note,\n")
                .append("condition and medication-change events) or by marking it entered-in-error (fan-out compensation).\n")
                .append("A refused cell is refused at intake with 422, naming the vendor, the event type and the reason.\n\n");
        header(md, profiles);
        for (EventType type : EventType.values()) {
            md.append("| `").append(type.wireName()).append("` |");
            for (VendorProfile p : profiles) {
                String refusal = p.updateRefusal(type.wireName());
                md.append(' ').append(refusal != null ? "refused: " + refusal : "`" + p.support(type.wireName())
                        .update().call() + "` (" + (p.versionsRecords() ? "If-Match" : "read, compare, write") + ")")
                        .append(" |");
            }
            md.append('\n');
        }
        md.append("\n## Vendors\n");
        for (VendorProfile p : profiles) {
            md.append("\n### ").append(p.name()).append(" (`").append(p.vendor()).append("`)\n\n")
                    .append("- auth: ").append(p.auth().method());
            if (p.auth().tokenLifetimeSeconds() != null) {
                md.append(", token lifetime ").append(p.auth().tokenLifetimeSeconds()).append(" s");
            }
            if (p.auth().tokenRequestsPerMinute() != null) {
                md.append(", at most ").append(p.auth().tokenRequestsPerMinute()).append(" token requests/min");
            }
            md.append("\n- rate limit: ").append(p.rateLimit().callsPerMinute() == null ? "none documented"
                            : p.rateLimit().callsPerMinute() + " calls/min")
                    .append(p.rateLimit().countsTokenCalls() ? " (token calls count)" : "")
                    .append(p.rateLimit().retryAfter() ? ", Retry-After sent" : ", no Retry-After")
                    .append("\n- versioning: ").append(p.versioning())
                    .append("\n- finding an earlier write: ").append(String.join(", ", p.dedupe()))
                    .append("\n- source: ").append(p.source()).append('\n');
            for (String quirk : p.quirks()) {
                md.append("- quirk: ").append(quirk).append('\n');
            }
        }
        return md.toString();
    }

    private static void header(StringBuilder md, List<VendorProfile> profiles) {
        md.append("| event type |");
        profiles.forEach(p -> md.append(' ').append(p.name()).append(" |"));
        md.append("\n|---|");
        profiles.forEach(p -> md.append("---|"));
        md.append('\n');
    }

    private static String provenance(VendorProfile.ProvenanceSupport p) {
        return p.sent() ? "`" + p.call() + "` (version-specific target)" : "kept locally: " + p.reason();
    }

    private static String cell(VendorProfile.EventSupport s) {
        if (!s.supported()) {
            return "refused: " + s.unsupported();
        }
        String notes = List.of(
                        s.api() == null ? "" : s.api(),
                        Boolean.TRUE.equals(s.requiresOpenEncounter()) ? "open encounter required"
                                : Boolean.TRUE.equals(s.requiresEncounter()) ? "encounter required" : "",
                        "holding-tank".equals(s.readBack()) ? "held until released (read back later)" : "",
                        s.constraintsOrEmpty().stream().map(c -> c.field() + " ∈ " + c.allowed())
                                .collect(Collectors.joining("; ")))
                .stream().filter(n -> !n.isEmpty()).collect(Collectors.joining("; "));
        return "`" + s.call() + "`" + (notes.isEmpty() ? "" : " (" + notes + ")");
    }
}
