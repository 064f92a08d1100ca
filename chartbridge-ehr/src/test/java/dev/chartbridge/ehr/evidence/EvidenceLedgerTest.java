package dev.chartbridge.ehr.evidence;

import dev.chartbridge.core.testing.EvidenceLedger;
import dev.chartbridge.core.testing.EvidenceLedger.Entry;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The evidence ledger is complete and well formed: every entry has a source (or an {@code assumed} reason), every
 * id cited in an adapter or simulator exists, every entry is cited by the code that relies on it, and the rendered
 * {@code docs/evidence.md} is current.
 */
class EvidenceLedgerTest {
    /** Vendors whose adapter and simulator were rebuilt from the ledger: their file must exist. */
    private static final Set<String> REQUIRED = Set.of();
    private static final Pattern ID = Pattern.compile("[a-z0-9]+(\\.[a-z0-9][a-z0-9-]*)+");
    private static final Pattern CITATION = Pattern.compile(
            "evidence:\\s*([a-z0-9][a-z0-9.\\-]*(?:\\s*,\\s*[a-z0-9][a-z0-9.\\-]*)*)");
    private static final List<String> CITING_TREES = List.of("chartbridge-ehr/src/main",
            "chartbridge-simulators/src/main");

    private static EvidenceLedger ledger;
    private static Path root;

    @BeforeAll
    static void load() {
        ledger = EvidenceLedger.load();
        root = EvidenceLedger.repositoryRoot();
    }

    @Test
    void every_rebuilt_vendor_has_a_ledger() {
        for (String vendor : REQUIRED) {
            assertThat(ledger.vendor(vendor)).as("docs/evidence/%s.yaml", vendor).isPresent();
        }
    }

    @Test
    void every_entry_names_its_source_or_why_none_speaks() {
        Set<String> seen = new HashSet<>();
        ledger.entries().forEach(e -> {
            assertThat(e.id()).as("an entry's id").matches(ID);
            assertThat(seen.add(e.id())).as("id %s is unique", e.id()).isTrue();
            assertThat(EvidenceLedger.KINDS).as("kind of %s", e.id()).contains(e.kind());
            assertThat(EvidenceLedger.SOURCES).as("source of %s", e.id()).contains(e.source());
            assertThat(e.claim()).as("claim of %s", e.id()).isNotBlank();
            if (e.assumed()) {
                assertThat(e.reason()).as("reason of assumed %s", e.id()).isNotBlank();
            } else {
                assertThat(e.ref()).as("ref of %s", e.id()).isNotBlank();
            }
            if ("endpoint".equals(e.kind())) {
                assertThat(e.match()).as("match of endpoint %s", e.id()).isNotBlank();
            }
        });
    }

    @Test
    void every_citation_names_an_entry_and_every_entry_is_cited() throws IOException {
        Map<String, List<String>> citedBy = citations();
        Set<String> known = new HashSet<>();
        ledger.entries().map(Entry::id).forEach(known::add);
        List<String> dangling = new ArrayList<>();
        citedBy.forEach((id, files) -> {
            if (!known.contains(id)) {
                dangling.add(id + " (cited in " + files + ")");
            }
        });
        assertThat(dangling).as("ids cited in code but missing from docs/evidence/*.yaml").isEmpty();
        List<String> uncited = ledger.entries().map(Entry::id).filter(id -> !citedBy.containsKey(id)).toList();
        assertThat(uncited).as("ledger entries no adapter or simulator cites (// evidence: <id>)").isEmpty();
    }

    @Test
    void the_committed_evidence_page_is_what_the_ledger_generates() throws IOException {
        Path committed = root.resolve("docs").resolve("evidence.md");
        String generated = EvidenceDocs.markdown(ledger);
        if (Boolean.getBoolean("chartbridge.writeEvidence")) {
            Files.writeString(committed, generated);
        }
        assertThat(Files.exists(committed) ? Files.readString(committed) : "")
                .as("docs/evidence.md is stale: regenerate with mvn -B -pl chartbridge-ehr -am verify"
                        + " -Dtest=EvidenceLedgerTest -Dsurefire.failIfNoSpecifiedTests=false"
                        + " -Dchartbridge.writeEvidence=true")
                .isEqualTo(generated);
    }

    @Test
    void a_request_key_matches_by_segment_with_braces_as_wildcards() {
        Entry endpoint = new Entry("x.y", "endpoint", "c", "POST /v1/{practiceid}/chart/{patientid}/problems",
                "documented", "r", null);
        assertThat(matches(endpoint, "POST /v1/195900/chart/12/problems?departmentid=1")).isTrue();
        assertThat(matches(endpoint, "POST /v1/195900/chart/12/allergies")).isFalse();
        assertThat(matches(endpoint, "GET /v1/195900/chart/12/problems")).isFalse();
        assertThat(matches(endpoint, "POST /v1/195900/chart/12/problems/7")).isFalse();
    }

    private static boolean matches(Entry endpoint, String key) {
        return EvidenceLedger.matches(endpoint.match(), key);
    }

    private static String text(Path file) throws IOException {
        try {
            return Files.readString(file);
        } catch (java.nio.charset.MalformedInputException binary) {
            return "";
        }
    }

    private static Map<String, List<String>> citations() throws IOException {
        Map<String, List<String>> citedBy = new HashMap<>();
        for (String tree : CITING_TREES) {
            Path dir = root.resolve(tree);
            if (!Files.isDirectory(dir)) {
                continue;
            }
            try (Stream<Path> files = Files.walk(dir)) {
                for (Path file : files.filter(Files::isRegularFile).toList()) {
                    Matcher m = CITATION.matcher(text(file));
                    while (m.find()) {
                        for (String id : m.group(1).split("\\s*,\\s*")) {
                            String clean = id.replaceAll("[.]+$", "");
                            citedBy.computeIfAbsent(clean, k -> new ArrayList<>())
                                    .add(root.relativize(file).toString());
                        }
                    }
                }
            }
        }
        return citedBy;
    }
}
