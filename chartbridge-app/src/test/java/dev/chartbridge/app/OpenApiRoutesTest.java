package dev.chartbridge.app;

import dev.chartbridge.app.openapi.ApiContract;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.Set;
import java.util.TreeSet;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The route table of a running node and the OpenAPI document it serves, walked side by side: every route is
 * documented and every documented operation is a route. Unknown routes answer problem+json. Each call goes through
 * {@link ApiClient}, which checks the answer against the document.
 */
class OpenApiRoutesTest {
    @RegisterExtension
    static GatewayExtension env = new GatewayExtension("openapi-node", t -> t);

    /** "METHOD /path/{}": a route with its path parameters' names left out (the document may name them better). */
    private static String route(String method, String path) {
        return method.toUpperCase(java.util.Locale.ROOT) + " " + path.replaceAll("\\{[^}/]+}", "{}");
    }

    @Test
    void every_route_is_in_the_document_and_every_documented_operation_is_a_route() {
        Set<String> served = new TreeSet<>();
        env.gateway().gateway().routes().forEach((path, methods) -> methods.forEach(m -> served.add(route(m, path))));
        Set<String> documented = new TreeSet<>();
        ApiContract.document().tree().path("paths").fields().forEachRemaining(path -> path.getValue().fieldNames()
                .forEachRemaining(m -> {
                    if (Set.of("get", "put", "post", "delete", "patch").contains(m)) {
                        documented.add(route(m, path.getKey()));
                    }
                }));

        assertThat(served).as("routes the node serves").contains("POST /v1/events", "GET /v1/audit");
        assertThat(served).as("routes missing from openapi.yaml").containsAll(documented);
        assertThat(documented).as("documented operations the node does not serve").containsAll(served);
    }

    @Test
    void an_unknown_route_answers_404_problem_json() {
        ApiClient.Answer get = env.gateway().getWithKey("/v1/no-such-thing");
        ApiClient.Answer post = env.gateway().call("POST", "/nowhere/at/all", "{}");

        for (ApiClient.Answer a : new ApiClient.Answer[] {get, post}) {
            assertThat(a.status()).isEqualTo(404);
            assertThat(a.header("Content-Type")).startsWith("application/problem+json");
            assertThat(a.body().get("type").asText()).isEqualTo("https://chartbridge.dev/problems/not-found");
            assertThat(a.body().get("status").asInt()).isEqualTo(404);
        }
    }

    @Test
    void a_method_a_path_does_not_take_answers_405_problem_json_with_allow() {
        ApiClient.Answer a = env.gateway().call("DELETE", "/v1/events", null);

        assertThat(a.status()).isEqualTo(405);
        assertThat(a.header("Allow")).isEqualTo("POST, GET");
        assertThat(a.body().get("type").asText()).endsWith("/method-not-allowed");
    }

    @Test
    void the_public_and_discovery_routes_answer_as_documented() {
        // ApiClient fails the test on any answer that does not match the document; these assert the status too.
        assertThat(env.gateway().get("/openapi.yaml").status()).isEqualTo(200);
        assertThat(env.gateway().get("/v1/schemas/clinical-event.json").status()).isEqualTo(200);
        assertThat(env.gateway().get("/.well-known/jwks.json").status()).isEqualTo(200);
        assertThat(env.gateway().get("/health/live").status()).isEqualTo(200);
        assertThat(env.gateway().get("/health/ready").status()).isEqualTo(200);
        assertThat(env.gateway().get("/metrics").status()).isEqualTo(200);
        assertThat(env.gateway().getWithKey("/v1/capabilities").status()).isEqualTo(200);
        assertThat(env.gateway().getWithKey("/v1/audit?limit=5").status()).isEqualTo(200);
        assertThat(env.gateway().getWithKey("/v1/audit?patient=nobar").status()).isEqualTo(400);
        assertThat(env.gateway().get("/v1/capabilities").status()).as("without a key").isEqualTo(401);
    }
}
