package dev.chartbridge.core.testing;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;

/**
 * The evidence ledger: per vendor, every behaviour an adapter relies on or a simulator plays, each with its source
 * (vendor documentation, published CapabilityStatement or vendor-data file, the FHIR specification, a public
 * reference client) or marked {@code assumed} with the reason. The data is {@code docs/evidence/<vendor>.yaml};
 * code cites an entry with a comment {@code evidence: <id>}. Read-only and thread-safe once loaded.
 */
public final class EvidenceLedger {
    public static final Set<String> KINDS = Set.of("endpoint", "request", "response", "read-shape", "id-format",
            "error", "auth", "limit", "behaviour");
    public static final List<String> SOURCES = List.of("documented", "reference-client", "capability-statement",
            "vendor-data", "specification", "assumed");

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory())
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, true);

    /** One vendor's file. */
    public record VendorLedger(String vendor, List<Entry> entries) {
        public VendorLedger {
            entries = entries == null ? List.of() : List.copyOf(entries);
        }
    }

    /**
     * One behaviour.
     *
     * @param match for an {@code endpoint}: the request key it covers, e.g. {@code POST /v1/{practiceid}/chart/x}
     *              (a segment in braces matches any one segment; the query is ignored), {@code ppmdmsg addehrnote}
     *              or {@code MagicJson SaveTask}
     */
    public record Entry(String id, String kind, String claim, String match, String source, String ref,
                        String reason) {
        public boolean assumed() {
            return "assumed".equals(source);
        }
    }

    private final List<VendorLedger> vendors;

    private EvidenceLedger(List<VendorLedger> vendors) {
        this.vendors = List.copyOf(vendors);
    }

    /** The repository's root, found from the working directory of a module's tests. */
    public static Path repositoryRoot() {
        Path dir = Path.of("").toAbsolutePath();
        while (dir != null && !Files.isDirectory(dir.resolve("docs"))) {
            dir = dir.getParent();
        }
        if (dir == null) {
            throw new IllegalStateException("no docs/ above " + Path.of("").toAbsolutePath());
        }
        return dir;
    }

    public static EvidenceLedger load() {
        Path folder = repositoryRoot().resolve("docs").resolve("evidence");
        List<VendorLedger> vendors = new ArrayList<>();
        try (Stream<Path> files = Files.list(folder)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".yaml")).sorted().toList()) {
                VendorLedger ledger = YAML.readValue(file.toFile(), VendorLedger.class);
                String expected = file.getFileName().toString().replace(".yaml", "");
                if (!expected.equals(ledger.vendor())) {
                    throw new IllegalStateException(file + " names vendor " + ledger.vendor());
                }
                vendors.add(ledger);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new EvidenceLedger(vendors);
    }

    public List<VendorLedger> vendors() {
        return vendors;
    }

    public Optional<VendorLedger> vendor(String name) {
        return vendors.stream().filter(v -> v.vendor().equals(name)).findFirst();
    }

    public Stream<Entry> entries() {
        return vendors.stream().flatMap(v -> v.entries().stream());
    }

    /** The endpoint entry of {@code vendor} whose {@code match} covers {@code requestKey}, if any. */
    public Optional<Entry> endpoint(String vendor, String requestKey) {
        return vendor(vendor).stream().flatMap(v -> v.entries().stream())
                .filter(e -> "endpoint".equals(e.kind()) && e.match() != null && matches(e.match(), requestKey))
                .findFirst();
    }

    /** The request keys that no endpoint entry of {@code vendor} covers: empty when every request is evidenced. */
    public Set<String> unevidenced(String vendor, Collection<String> requestKeys) {
        Set<String> missing = new TreeSet<>();
        for (String key : requestKeys) {
            if (endpoint(vendor, key).isEmpty()) {
                missing.add(key);
            }
        }
        return missing;
    }

    /** Whether an endpoint's {@code match} covers a request key (braces: any one segment; query ignored). */
    public static boolean matches(String pattern, String requestKey) {
        String key = requestKey;
        int query = key.indexOf('?');
        if (query >= 0) {
            key = key.substring(0, query);
        }
        String[] want = pattern.trim().split("[ /]+");
        String[] got = key.trim().split("[ /]+");
        if (want.length != got.length) {
            return false;
        }
        for (int i = 0; i < want.length; i++) {
            boolean wildcard = want[i].startsWith("{") && want[i].endsWith("}");
            if (!wildcard && !want[i].equalsIgnoreCase(got[i])) {
                return false;
            }
        }
        return true;
    }
}
