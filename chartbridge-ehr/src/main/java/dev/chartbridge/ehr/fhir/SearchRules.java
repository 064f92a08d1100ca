package dev.chartbridge.ehr.fhir;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.chartbridge.core.ChartBridgeException;
import dev.chartbridge.core.json.Json;

import java.io.IOException;
import java.io.InputStream;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The searches one FHIR target accepts (resource {@code searches/<vendor>.yaml}): per resource type the parameters
 * it declares, taken from its published CapabilityStatement (Epic, eClinicalWorks) or from the FHIR R4
 * specification (a standard server), and the parameters its vendor requires (Epic: {@code patient} on every
 * patient-scoped type, else 4111; {@code category} or {@code code} on Observation, else 59108). Every search the
 * gateway makes is built by a {@link Query} of these rules, so it never sends a parameter the target does not
 * declare and never leaves out one it requires; a search that would break a rule is a defect of the gateway and
 * throws before anything is sent. Immutable and thread-safe.
 */
// evidence: fhir.search.parameters, epic.search.declared, ecw.search.declared
public final class SearchRules {
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory())
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
    private static final String SPECIFICATION = "specification";
    private static final Map<String, SearchRules> LOADED = new java.util.concurrent.ConcurrentHashMap<>();

    private final String vendor;
    private final Map<String, Set<String>> declared;
    private final Set<String> notPatientScoped;
    private final Map<String, List<String>> requires;

    /** The file's form. */
    record File(String vendor, String declaredBy, List<String> allTypes, Map<String, List<String>> declared,
                List<String> notPatientScoped, Map<String, List<String>> requires) {
    }

    private SearchRules(String vendor, Map<String, Set<String>> declared, Set<String> notPatientScoped,
                        Map<String, List<String>> requires) {
        this.vendor = vendor;
        this.declared = declared;
        this.notPatientScoped = notPatientScoped;
        this.requires = requires;
    }

    /** The rules of {@code vendor} ({@code fhir-r4}, {@code epic}, {@code eclinicalworks}). */
    public static SearchRules of(String vendor) {
        return LOADED.computeIfAbsent(vendor, SearchRules::load);
    }

    private static SearchRules load(String vendor) {
        File file;
        try (InputStream in = SearchRules.class.getResourceAsStream("/searches/" + vendor + ".yaml")) {
            if (in == null) {
                throw new ChartBridgeException("no search rules for vendor '" + vendor + "'");
            }
            file = YAML.readValue(in, File.class);
        } catch (IOException e) {
            throw new ChartBridgeException("search rules of " + vendor + " could not be read: " + e.getMessage(), e);
        }
        Map<String, Set<String>> declared = new HashMap<>();
        if (SPECIFICATION.equals(file.declaredBy())) {
            file.declared().forEach((type, names) -> {
                Set<String> all = new TreeSet<>(names);
                all.addAll(file.allTypes() == null ? List.of() : file.allTypes());
                declared.put(type, all);
            });
        } else {
            declared.putAll(capabilityStatement(file.declaredBy()));
        }
        return new SearchRules(vendor, Map.copyOf(declared), file.notPatientScoped() == null ? null
                : Set.copyOf(file.notPatientScoped()), file.requires() == null ? Map.of() : Map.copyOf(file.requires()));
    }

    /** Per resource type, the {@code searchParam} names a CapabilityStatement declares. */
    private static Map<String, Set<String>> capabilityStatement(String resource) {
        try (InputStream in = SearchRules.class.getResourceAsStream("/" + resource)) {
            if (in == null) {
                throw new ChartBridgeException("missing resource " + resource);
            }
            JsonNode statement = Json.MAPPER.readTree(in);
            Map<String, Set<String>> out = new HashMap<>();
            for (JsonNode rest : statement.path("rest")) {
                for (JsonNode type : rest.path("resource")) {
                    Set<String> names = new TreeSet<>();
                    type.path("searchParam").forEach(p -> names.add(p.path("name").asText()));
                    out.put(type.path("type").asText(), names);
                }
            }
            return out;
        } catch (IOException e) {
            throw new ChartBridgeException("CapabilityStatement " + resource + " could not be read", e);
        }
    }

    /** Whether the target declares search parameter {@code name} on {@code type}. */
    public boolean declares(String type, String name) {
        return declared.getOrDefault(type, Set.of()).contains(name);
    }

    /** Whether a search on {@code type} must name the patient at this target. */
    public boolean patientRequired(String type) {
        return notPatientScoped != null && !notPatientScoped.contains(type);
    }

    /** A new search on {@code type}. */
    public Query query(String type) {
        return new Query(type);
    }

    /** One search being built: parameters in the order added. Not thread-safe. */
    public final class Query {
        private final String type;
        private final Map<String, String> params = new LinkedHashMap<>();

        private Query(String type) {
            this.type = type;
        }

        public String type() {
            return type;
        }

        /** Adds {@code name=value} when the target declares {@code name} on this type; else leaves it out. */
        public Query with(String name, String value) {
            if (value != null && declares(type, name)) {
                params.put(name, value);
            }
            return this;
        }

        /** Whether {@code name} is part of this search. */
        public boolean has(String name) {
            return params.containsKey(name);
        }

        /**
         * Adds {@code name=value} only where the vendor requires one of a group of parameters {@code name} belongs
         * to (Epic: category or code on Observation) and none of the group is in the search yet.
         */
        public Query ifRequired(String name, String value) {
            for (String group : requires.getOrDefault(type, List.of())) {
                List<String> alternatives = List.of(group.split("\\|"));
                if (alternatives.contains(name) && alternatives.stream().noneMatch(params::containsKey)) {
                    return with(name, value);
                }
            }
            return this;
        }

        /**
         * The relative search URL ({@code Observation?patient=..&category=..}), values encoded.
         *
         * @throws IllegalStateException when the target requires a parameter the search lacks
         */
        public String url() {
            List<String> missing = new ArrayList<>();
            if (patientRequired(type) && !params.containsKey("patient") && !params.containsKey("subject")) {
                missing.add("patient");
            }
            for (String group : requires.getOrDefault(type, List.of())) {
                if (List.of(group.split("\\|")).stream().noneMatch(params::containsKey)) {
                    missing.add(group);
                }
            }
            if (!missing.isEmpty()) {
                throw new IllegalStateException("a " + type + " search at " + vendor + " needs " + missing);
            }
            StringBuilder url = new StringBuilder(type);
            String sep = "?";
            for (Map.Entry<String, String> p : params.entrySet()) {
                url.append(sep).append(p.getKey()).append('=')
                        .append(URLEncoder.encode(p.getValue(), StandardCharsets.UTF_8));
                sep = "&";
            }
            return url.toString();
        }
    }
}
