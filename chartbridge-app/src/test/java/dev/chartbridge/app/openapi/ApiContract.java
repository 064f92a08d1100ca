package dev.chartbridge.app.openapi;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaValidatorsConfig;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import com.networknt.schema.oas.OpenApi31;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * The gateway's OpenAPI document ({@code openapi.yaml} as served) used as a contract for answers: which operation a
 * request names, whether the status is declared for it, whether the content type is declared, and whether a JSON
 * body matches the declared schema. Schemas are validated by the networknt JSON Schema validator with the OpenAPI
 * 3.1 dialect (JSON Schema 2020-12), format assertions on, references resolved inside the document as served.
 * A path the document does not name must be answered 404 problem+json; a method a named path does not take, 405
 * problem+json. Thread-safe; one instance per JVM ({@link #document()}).
 */
public final class ApiContract {
    /** Where the served document lives on the test class path (the app's main resources). */
    public static final String LOCATION = "classpath:openapi.yaml";
    /** What a server refuses before routing, on any path, as problem+json (see the document's description). */
    private static final Set<Integer> BEFORE_ROUTING = Set.of(413, 414, 431);
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static final ObjectMapper JSON = new ObjectMapper();
    /** The generic problem+json answer, for what no operation declares (404 on an unknown path, 405, 431...). */
    private static final String PROBLEM = "/components/responses/Problem";
    private static volatile ApiContract instance;

    private final JsonNode doc;
    private final List<PathTemplate> paths = new ArrayList<>();
    private final JsonSchemaFactory factory;
    private final SchemaValidatorsConfig config = SchemaValidatorsConfig.builder().formatAssertionsEnabled(true)
            .build();
    private final Map<String, JsonSchema> compiled = new ConcurrentHashMap<>();

    /** A path of the document: its template and a pattern that matches the raw paths it names. */
    record PathTemplate(String template, Pattern pattern, int literals) {
        static PathTemplate of(String template) {
            StringBuilder regex = new StringBuilder();
            int literals = 0;
            for (String segment : template.substring(1).split("/", -1)) {
                boolean parameter = segment.startsWith("{") && segment.endsWith("}");
                regex.append('/').append(parameter ? "[^/]+" : Pattern.quote(segment));
                literals += parameter ? 0 : 1;
            }
            return new PathTemplate(template, Pattern.compile(regex.toString()), literals);
        }
    }

    ApiContract(JsonNode doc) {
        this.doc = doc;
        doc.path("paths").fieldNames().forEachRemaining(p -> paths.add(PathTemplate.of(p)));
        // A literal segment beats a parameter: /v1/review/retry is not /v1/review/{operationId}.
        paths.sort(Comparator.comparingInt(PathTemplate::literals).reversed());
        factory = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012, b -> b
                .metaSchema(OpenApi31.getInstance()).defaultMetaSchemaIri(OpenApi31.getInstance().getIri())
                // The event schema as served beside the document (/v1/schemas/clinical-event.json).
                .schemaMappers(m -> m.mapPrefix("classpath:v1/schemas/clinical-event.json",
                        "classpath:schemas/v1/clinical-event.schema.json")));
    }

    /** The served document, read once. */
    public static ApiContract document() {
        if (instance == null) {
            synchronized (ApiContract.class) {
                if (instance == null) {
                    try (InputStream in = ApiContract.class.getResourceAsStream("/openapi.yaml")) {
                        instance = new ApiContract(YAML.readTree(in));
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                }
            }
        }
        return instance;
    }

    public JsonNode tree() {
        return doc;
    }

    /** The document's path template naming {@code rawPath} (no query), if any. */
    public Optional<String> template(String rawPath) {
        return paths.stream().filter(p -> p.pattern().matcher(rawPath).matches()).map(PathTemplate::template)
                .findFirst();
    }

    /**
     * Everything wrong with an answer, against the document; empty when it conforms.
     *
     * @param contentType the Content-Type header, or null
     * @param body        the body text ("" for none)
     */
    public List<String> violations(String method, String rawPath, int status, String contentType, String body) {
        String m = method.toLowerCase(Locale.ROOT);
        String call = method + " " + rawPath + " -> " + status + ": ";
        if (m.equals("head") || m.equals("options")) {
            return List.of();
        }
        Optional<String> template = template(rawPath);
        String response;
        if (template.isEmpty()) {
            response = status == 404 || BEFORE_ROUTING.contains(status) ? PROBLEM : null;
            if (response == null) {
                return List.of(call + "the document names no such path; only 404 problem+json may answer it");
            }
        } else if (!doc.path("paths").path(template.get()).has(m)) {
            response = status == 405 || BEFORE_ROUTING.contains(status) ? PROBLEM : null;
            if (response == null) {
                return List.of(call + template.get() + " takes no " + method + "; only 405 problem+json may answer");
            }
        } else {
            String responses = "/paths/" + escape(template.get()) + "/" + m + "/responses";
            JsonNode declared = doc.at(responses);
            response = declared.has(String.valueOf(status)) ? resolve(responses + "/" + status)
                    : declared.has("default") ? resolve(responses + "/default")
                    : BEFORE_ROUTING.contains(status) ? PROBLEM : null;
            if (response == null) {
                return List.of(call + "status not declared for " + method + " " + template.get());
            }
        }
        return bodyViolations(call, response, contentType, body);
    }

    private List<String> bodyViolations(String call, String response, String contentType, String body) {
        JsonNode content = doc.at(response).path("content");
        if (content.isMissingNode() || content.isEmpty()) {
            return body == null || body.isEmpty() ? List.of() : List.of(call + "a body where the document declares none");
        }
        if (contentType == null) {
            return List.of(call + "no Content-Type; declared: " + fieldNames(content));
        }
        String type = contentType.split(";")[0].trim().toLowerCase(Locale.ROOT);
        JsonNode media = content.get(type);
        if (media == null) {
            return List.of(call + "Content-Type " + type + " not declared; declared: " + fieldNames(content));
        }
        if (!media.has("schema") || !isJson(type)) {
            return List.of();
        }
        JsonNode instance;
        try {
            instance = JSON.readTree(body);
        } catch (IOException e) {
            return List.of(call + "the body is not JSON: " + e.getMessage());
        }
        return schemaViolations(call, response + "/content/" + escape(type) + "/schema", instance);
    }

    /** Where {@code instance} does not match the schema at {@code pointer} (a JSON Pointer into this document). */
    public List<String> schemaViolations(String prefix, String pointer, JsonNode instance) {
        JsonSchema compiledSchema = compiled.computeIfAbsent(pointer,
                k -> factory.getSchema(SchemaLocation.of(LOCATION + "#" + pointer), config));
        List<String> out = new ArrayList<>();
        for (ValidationMessage message : compiledSchema.validate(instance)) {
            out.add(prefix + message.getMessage());
        }
        return out;
    }

    /** The pointer of the object at {@code pointer}, its {@code $ref} (within this document) followed. */
    public String resolve(String pointer) {
        String current = pointer;
        while (doc.at(current).path("$ref").asText().startsWith("#/")) {
            current = doc.at(current).get("$ref").asText().substring(1);
        }
        return current;
    }

    /** Whether a media type is one JSON document (application/json, application/problem+json; not NDJSON). */
    public static boolean isJson(String mediaType) {
        return mediaType.equals("application/json") || mediaType.endsWith("+json");
    }

    /** One JSON Pointer token (RFC 6901). */
    public static String escape(String token) {
        return token.replace("~", "~0").replace("/", "~1");
    }

    private static String fieldNames(JsonNode node) {
        List<String> names = new ArrayList<>();
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            names.add(it.next());
        }
        return String.join(", ", names);
    }
}
