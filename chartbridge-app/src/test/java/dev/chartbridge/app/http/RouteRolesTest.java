package dev.chartbridge.app.http;

import dev.chartbridge.app.ApiClient;
import dev.chartbridge.app.TestGateway;
import dev.chartbridge.core.tenant.KeyRole;
import dev.chartbridge.core.testing.PostgresExtension;
import dev.chartbridge.simulators.fhir.FhirSimulatorExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.IOException;
import java.net.http.HttpRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.SoftAssertions.assertSoftly;

/**
 * Walks every route the node serves and calls it with a key of each single role (issue #15): where the route's
 * declared roles leave the key out the answer is 403 problem+json {@code role-required}, where they include it the
 * answer is anything but 403; without a key every non-open route is 401. And docs/api.md lists the same roles.
 */
class RouteRolesTest {
    private static final Map<KeyRole, String> KEYS = Map.of(KeyRole.APP, TestGateway.APP_KEY,
            KeyRole.REVIEWER, TestGateway.REVIEWER_KEY, KeyRole.ADMIN, TestGateway.ADMIN_ONLY_KEY);

    @RegisterExtension
    static PostgresExtension pg = new PostgresExtension();
    @RegisterExtension
    static FhirSimulatorExtension ehr = new FhirSimulatorExtension();

    static TestGateway gateway;

    @BeforeAll
    static void start() {
        // Every route is called without a key too: more failed authentications than the default limit allows.
        gateway = TestGateway.start(TestGateway.config(pg.url(), ehr.simulator().baseUrl(), "roles-node",
                TestGateway.fastDelivery(), 8).with(new dev.chartbridge.app.config.GatewayConfig.AccessConfig(null,
                null, 1_000)));
    }

    @AfterAll
    static void stop() {
        gateway.close();
    }

    private static ApiClient.Answer call(RouteTable.Route route, String key) {
        // Path parameters get an id that names nothing; bodies are an empty object: no route changes anything.
        String path = route.path().replaceAll("\\{[^}]+}", UUID.randomUUID().toString());
        HttpRequest.Builder b = HttpRequest.newBuilder(gateway.uri(path));
        if (key != null) {
            b.header("Authorization", "Bearer " + key);
        }
        String method = route.method().name();
        boolean body = method.equals("POST") || method.equals("PUT");
        b.header("Content-Type", "application/json").method(method, body
                ? HttpRequest.BodyPublishers.ofString("{}") : HttpRequest.BodyPublishers.noBody());
        return gateway.send(b.build());
    }

    @Test
    void every_route_answers_403_to_a_key_without_its_role_and_lets_a_key_with_it_through() {
        var routes = gateway.gateway().api().routeAccess();
        assertThat(routes).hasSizeGreaterThan(20);
        assertSoftly(soft -> {
            for (RouteTable.Route route : routes) {
                for (var key : KEYS.entrySet()) {
                    ApiClient.Answer a = call(route, key.getValue());
                    String what = route.method() + " " + route.path() + " with a " + key.getKey().wireName()
                            + " key: " + a.status() + " " + a.text();
                    if (route.access().allows(Set.of(key.getKey()))) {
                        soft.assertThat(a.status()).as(what).isNotEqualTo(403).isNotEqualTo(401);
                    } else {
                        soft.assertThat(a.status()).as(what).isEqualTo(403);
                        soft.assertThat(a.header("Content-Type")).as(what).startsWith("application/problem+json");
                        soft.assertThat(a.body().get("type").asText()).as(what).endsWith("/role-required");
                        soft.assertThat(a.body().at("/errors/0/pointer").asText()).as(what)
                                .isEqualTo("header:Authorization");
                    }
                }
                ApiClient.Answer anonymous = call(route, null);
                String what = route.method() + " " + route.path() + " without a key: " + anonymous.status();
                if (route.access().open()) {
                    soft.assertThat(anonymous.status()).as(what).isNotIn(401, 403);
                } else {
                    soft.assertThat(anonymous.status()).as(what).isEqualTo(401);
                }
            }
        });
    }

    @Test
    void docs_api_md_lists_the_roles_of_every_route() throws IOException {
        String doc = Files.readString(Path.of("..", "docs", "api.md"));
        String section = doc.substring(doc.indexOf("\n## Roles"));
        section = section.substring(0, section.indexOf("\n## ", 5) < 0 ? section.length()
                : section.indexOf("\n## ", 5));
        Set<String> documented = new TreeSet<>();
        Matcher m = Pattern.compile("(?m)^\\| `([A-Z]+) ([^`]+)` \\| ([a-z, ]+) \\|").matcher(section);
        while (m.find()) {
            documented.add(m.group(1) + " " + m.group(2) + " | " + m.group(3).trim());
        }
        Set<String> served = new TreeSet<>();
        gateway.gateway().api().routeAccess().forEach(r -> served.add(r.method() + " " + r.path() + " | "
                + r.access().describe()));
        assertThat(documented).isEqualTo(served);
    }
}
