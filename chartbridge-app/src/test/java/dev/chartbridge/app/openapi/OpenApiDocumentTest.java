package dev.chartbridge.app.openapi;

import com.fasterxml.jackson.databind.JsonNode;
import io.swagger.v3.parser.OpenAPIV3Parser;
import io.swagger.v3.parser.core.models.ParseOptions;
import io.swagger.v3.parser.core.models.SwaggerParseResult;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.BiConsumer;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The served OpenAPI document as a contract: valid OpenAPI 3.1 (swagger-parser), an operationId on every operation,
 * every error declared as problem+json, examples on every JSON body and success answer that match their schemas, and
 * a response validator that refuses what the document does not say.
 */
class OpenApiDocumentTest {
    private static final ApiContract CONTRACT = ApiContract.document();
    private static final Set<String> METHODS = Set.of("get", "put", "post", "delete", "patch");

    /** Each operation of the document: its JSON Pointer, and the operation object. */
    private static void eachOperation(BiConsumer<String, JsonNode> action) {
        CONTRACT.tree().path("paths").fields().forEachRemaining(path -> path.getValue().fields().forEachRemaining(op -> {
            if (METHODS.contains(op.getKey())) {
                action.accept("/paths/" + ApiContract.escape(path.getKey()) + "/" + op.getKey(), op.getValue());
            }
        }));
    }

    @Test
    void the_document_is_valid_openapi_3_1_with_its_references_resolved_as_served(@TempDir Path dir)
            throws IOException {
        // The layout the gateway serves: /openapi.yaml beside /v1/schemas/clinical-event.json.
        copy("/openapi.yaml", dir.resolve("openapi.yaml"));
        copy("/schemas/v1/clinical-event.schema.json", dir.resolve("v1/schemas/clinical-event.json"));
        ParseOptions options = new ParseOptions();
        options.setResolve(true);
        SwaggerParseResult result = new OpenAPIV3Parser().readLocation(dir.resolve("openapi.yaml").toUri().toString(),
                null, options);

        assertThat(result.getMessages()).as("parser messages").isEmpty();
        assertThat(result.getOpenAPI().getOpenapi()).startsWith("3.1.");
        assertThat(result.getOpenAPI().getPaths()).isNotEmpty();
    }

    @Test
    void every_operation_has_a_unique_operation_id_and_a_tag() {
        Set<String> ids = new HashSet<>();
        List<String> wrong = new ArrayList<>();
        eachOperation((pointer, op) -> {
            String id = op.path("operationId").asText("");
            if (id.isEmpty() || !ids.add(id)) {
                wrong.add(pointer + ": operationId '" + id + "' missing or repeated");
            }
            if (op.path("tags").isEmpty()) {
                wrong.add(pointer + ": no tag");
            }
        });
        assertThat(wrong).isEmpty();
        assertThat(ids).contains("submitEvent", "getEvent", "exportAudit");
    }

    @Test
    void every_error_answer_is_declared_as_problem_json_and_every_keyed_operation_declares_401() {
        JsonNode globalSecurity = CONTRACT.tree().path("security");
        List<String> wrong = new ArrayList<>();
        eachOperation((pointer, op) -> {
            op.path("responses").fieldNames().forEachRemaining(status -> {
                if (status.startsWith("4") || status.startsWith("5")) {
                    JsonNode response = CONTRACT.tree().at(CONTRACT.resolve(pointer + "/responses/" + status));
                    JsonNode media = response.path("content").path("application/problem+json");
                    // Readiness answers 503 with its report: a status of the node, not an error of the request.
                    boolean readiness = pointer.equals("/paths/~1health~1ready/get");
                    if (!media.path("schema").path("$ref").asText().equals("#/components/schemas/Problem")
                            && !readiness) {
                        wrong.add(pointer + " " + status + ": not application/problem+json with the Problem schema");
                    }
                }
            });
            boolean keyed = !op.has("security") ? !globalSecurity.isEmpty() : !op.get("security").isEmpty();
            if (keyed && !op.path("responses").has("401")) {
                wrong.add(pointer + ": needs the API key but declares no 401");
            }
        });
        assertThat(wrong).isEmpty();
    }

    @Test
    void every_json_body_and_success_answer_has_an_example_and_every_example_matches_its_schema() {
        List<String> wrong = new ArrayList<>();
        eachOperation((pointer, op) -> {
            JsonNode request = op.path("requestBody").path("content").path("application/json");
            if (!request.isMissingNode()) {
                checkExamples(pointer + "/requestBody/content/application~1json", true, true, wrong);
            }
            op.path("responses").fieldNames().forEachRemaining(status -> {
                String response = CONTRACT.resolve(pointer + "/responses/" + status);
                CONTRACT.tree().at(response).path("content").fieldNames().forEachRemaining(type ->
                        checkExamples(response + "/content/" + ApiContract.escape(type), ApiContract.isJson(type),
                                status.startsWith("2"), wrong));
            });
        });
        assertThat(wrong).isEmpty();
    }

    private static void checkExamples(String media, boolean json, boolean required, List<String> wrong) {
        JsonNode node = CONTRACT.tree().at(media);
        List<JsonNode> examples = new ArrayList<>();
        if (node.has("example")) {
            examples.add(node.get("example"));
        }
        node.path("examples").forEach(e -> examples.add(e.path("value")));
        if (examples.isEmpty() && required) {
            wrong.add(media + ": no example");
        }
        if (!json || !node.has("schema")) {
            return;
        }
        for (JsonNode example : examples) {
            wrong.addAll(CONTRACT.schemaViolations(media + " example: ", media + "/schema", example));
        }
    }

    @Test
    void the_validator_refuses_an_answer_the_document_does_not_describe() {
        String event = "/v1/events/3f1c2a9e-8b4d-4c1e-9a7f-2d6b5e8c0a11";
        JsonNode good = CONTRACT.tree().at("/paths/~1v1~1events~1{id}/get/responses/200/content/application~1json"
                + "/example");

        assertThat(CONTRACT.violations("GET", event, 200, "application/json", good.toString()))
                .as("the documented example conforms").isEmpty();
        assertThat(CONTRACT.violations("GET", event, 200, "application/json",
                "{\"id\":\"not-a-uuid\",\"status\":\"lost\",\"operations\":[{\"state\":\"SENT\"}]}"))
                .as("a body that breaks the schema").hasSizeGreaterThanOrEqualTo(3)
                .anyMatch(v -> v.contains("uuid")).anyMatch(v -> v.contains("status"));
        assertThat(CONTRACT.violations("GET", event, 418, "application/problem+json", "{}"))
                .as("a status not declared").singleElement().asString().contains("status not declared");
        assertThat(CONTRACT.violations("GET", event, 200, "text/html", "<p>hi</p>"))
                .as("a content type not declared").singleElement().asString().contains("text/html not declared");
        assertThat(CONTRACT.violations("GET", event, 404, "application/problem+json", "{\"title\":\"Not found\"}"))
                .as("a problem without type and status").isNotEmpty();
        assertThat(CONTRACT.violations("GET", "/v1/nowhere", 200, "application/json", "{}"))
                .as("a path the document does not name answered 200").isNotEmpty();
        assertThat(CONTRACT.violations("PATCH", "/v1/events", 200, "application/json", "{}"))
                .as("a method the path does not take answered 200").isNotEmpty();
        assertThat(CONTRACT.violations("DELETE", "/v1/webhooks/3f1c2a9e-8b4d-4c1e-9a7f-2d6b5e8c0a11", 204,
                "application/json", "{\"removed\":true}")).as("a body where none is declared").isNotEmpty();
        assertThat(CONTRACT.violations("GET", "/v1/nowhere", 404, "application/problem+json",
                "{\"type\":\"https://chartbridge.dev/problems/not-found\",\"title\":\"Not found\",\"status\":404}"))
                .as("an unknown path answered 404 problem+json").isEmpty();
    }

    @Test
    void the_event_schema_is_the_one_served_beside_the_document() throws IOException {
        String event = "/components/schemas/ClinicalEvent";
        JsonNode example = CONTRACT.tree().at("/paths/~1v1~1events/post/requestBody/content/application~1json"
                + "/examples/vitals/value");

        assertThat(CONTRACT.schemaViolations("", event, example)).isEmpty();
        assertThat(CONTRACT.schemaViolations("", event, new com.fasterxml.jackson.databind.ObjectMapper()
                .readTree("{\"schemaVersion\":\"2\",\"type\":\"vitals\"}"))).isNotEmpty();
    }

    @Test
    void a_literal_path_segment_wins_over_a_parameter() {
        assertThat(CONTRACT.template("/v1/review/retry")).contains("/v1/review/retry");
        assertThat(CONTRACT.template("/v1/events/abc/approvals")).contains("/v1/events/{id}/approvals");
        assertThat(CONTRACT.template("/v1/events/abc/other")).isEmpty();
    }

    private static void copy(String resource, Path to) throws IOException {
        Files.createDirectories(to.getParent());
        try (InputStream in = OpenApiDocumentTest.class.getResourceAsStream(resource)) {
            assertThat(in).as(resource).isNotNull();
            Files.copy(in, to);
        }
    }
}
