package dev.chartbridge.app;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Regression found by the fuzz benchmark (issue #7): 401, 413 and 415 answers said what was wrong in prose only;
 * every refusal now names the header or body at fault in {@code errors[].pointer}.
 */
class ProblemsNameTheFieldTest {
    @RegisterExtension
    static GatewayExtension env = new GatewayExtension("problems-node", t -> t);

    private static String pointer(TestGateway.Answer a) {
        JsonNode errors = a.body().get("errors");
        assertThat(errors).as("%s", a.text()).isNotNull();
        return errors.get(0).get("pointer").asText();
    }

    @Test
    void a_missing_or_wrong_key_names_the_authorization_header() {
        byte[] body = TestGateway.bytes(Events.of("vitals"));

        assertThat(pointer(env.gateway().submit(body, "application/json", null, null))).isEqualTo("header:Authorization");
        assertThat(pointer(env.gateway().submit(body, "application/json", null, "cbk_wrong"))).isEqualTo("header:Authorization");
    }

    @Test
    void a_wrong_content_type_names_the_content_type_header() {
        TestGateway.Answer a = env.gateway().submit(TestGateway.bytes(Events.of("vitals")), "text/plain", null, TestGateway.KEY);

        assertThat(a.status()).isEqualTo(415);
        assertThat(pointer(a)).isEqualTo("header:Content-Type");
    }

    @Test
    void a_body_over_the_limit_names_the_body() {
        byte[] huge = ("{\"x\":\"" + "a".repeat(1024 * 1024) + "\"}").getBytes(StandardCharsets.UTF_8);

        TestGateway.Answer a = env.gateway().submit(huge, "application/json", null, TestGateway.KEY);

        assertThat(a.status()).isEqualTo(413);
        assertThat(pointer(a)).isEmpty();
    }
}
