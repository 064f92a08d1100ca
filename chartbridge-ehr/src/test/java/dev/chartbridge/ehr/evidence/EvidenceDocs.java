package dev.chartbridge.ehr.evidence;

import dev.chartbridge.core.testing.EvidenceLedger;
import dev.chartbridge.core.testing.EvidenceLedger.Entry;
import dev.chartbridge.core.testing.EvidenceLedger.VendorLedger;

import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

/** Renders the evidence ledger as {@code docs/evidence.md}: counts per vendor and source, then every entry. */
final class EvidenceDocs {
    private EvidenceDocs() {
    }

    static String markdown(EvidenceLedger ledger) {
        StringBuilder md = new StringBuilder();
        md.append("# Evidence ledger\n\n")
                .append("Generated from `docs/evidence/<vendor>.yaml` by `EvidenceLedgerTest` (chartbridge-ehr); do not")
                .append(" edit by hand.\nRegenerate with `mvn -B -pl chartbridge-ehr -am verify -Dtest=EvidenceLedgerTest")
                .append(" -Dsurefire.failIfNoSpecifiedTests=false -Dchartbridge.writeEvidence=true`.\n\n")
                .append("Every vendor behaviour an adapter relies on, and every behaviour a simulator plays, is an")
                .append(" entry here with its source: the vendor's public documentation (`documented`), a public reference")
                .append(" client that works against the real vendor (`reference-client`), the vendor's published")
                .append(" CapabilityStatement (`capability-statement`) or another published vendor file (`vendor-data`),")
                .append(" the FHIR specification (`specification`), or `assumed` with the reason no source speaks and")
                .append(" how the adapter fails safe there (an answer it does not recognise goes to review, never to")
                .append(" VERIFIED, found or absent). Code cites an entry with a comment `evidence: <id>`; the test fails")
                .append(" when a cited id is missing, when an entry is cited nowhere, and (in the contract suites) when")
                .append(" a request an adapter sent matches no `endpoint` entry.\n\n");
        md.append("| vendor |");
        EvidenceLedger.SOURCES.forEach(s -> md.append(' ').append(s).append(" |"));
        md.append(" total |\n|---|");
        EvidenceLedger.SOURCES.forEach(s -> md.append("---:|"));
        md.append("---:|\n");
        for (VendorLedger vendor : ledger.vendors()) {
            Map<String, Long> counts = vendor.entries().stream()
                    .collect(Collectors.groupingBy(Entry::source, TreeMap::new, Collectors.counting()));
            md.append("| ").append(vendor.vendor()).append(" |");
            EvidenceLedger.SOURCES.forEach(s -> md.append(' ').append(counts.getOrDefault(s, 0L)).append(" |"));
            md.append(' ').append(vendor.entries().size()).append(" |\n");
        }
        for (VendorLedger vendor : ledger.vendors()) {
            md.append("\n## ").append(vendor.vendor()).append("\n\n")
                    .append("| id | kind | claim | source | reference or reason |\n|---|---|---|---|---|\n");
            for (Entry e : vendor.entries()) {
                md.append("| `").append(e.id()).append("` | ").append(e.kind()).append(" | ")
                        .append(cell(e.claim())).append(" | ").append(e.source()).append(" | ")
                        .append(cell(e.assumed() ? e.reason() : e.ref())).append(" |\n");
            }
        }
        return md.toString();
    }

    private static String cell(String text) {
        return text == null ? "" : text.strip().replace("\n", " ").replace("|", "\\|");
    }
}
