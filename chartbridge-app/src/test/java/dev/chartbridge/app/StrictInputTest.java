package dev.chartbridge.app;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.util.zip.GZIPOutputStream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Strict input (issue #13, item 7): bytes that are not strict UTF-8, dates outside the calendar, content codings,
 * oversized headers, wrong methods and unknown paths are each refused with a problem+json that names what is wrong
 * in the gateway's words; nothing is stored.
 */
class StrictInputTest {
    @RegisterExtension
    static GatewayExtension env = new GatewayExtension("strict-node", t -> t);

    private static ApiClient.Answer post(byte[] body, String key, String... headers) {
        HttpRequest.Builder b = HttpRequest.newBuilder(env.gateway().uri("/v1/events"))
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).header("Content-Type", "application/json")
                .header("Authorization", "Bearer " + TestGateway.KEY).header("Idempotency-Key", key);
        for (int i = 0; i < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
        }
        return env.gateway().send(b.build());
    }

    private static byte[] gzip(byte[] plain) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream z = new GZIPOutputStream(out)) {
            z.write(plain);
        }
        return out.toByteArray();
    }

    @Test
    void an_overlong_utf8_slash_is_refused_naming_the_body_and_nothing_is_stored() {
        ObjectNode note = Events.of("note");
        ((ObjectNode) note.get("payload")).put("text", "BP 120#80");
        byte[] bytes = TestGateway.bytes(note);
        String text = new String(bytes, StandardCharsets.ISO_8859_1);
        int at = text.indexOf("120#80") + 3;
        byte[] overlong = new byte[bytes.length + 1];
        System.arraycopy(bytes, 0, overlong, 0, at);
        overlong[at] = (byte) 0xC0; // C0 AF: an overlong '/', which a lenient decoder turns into "120/80"
        overlong[at + 1] = (byte) 0xAF;
        System.arraycopy(bytes, at + 1, overlong, at + 2, bytes.length - at - 1);

        ApiClient.Answer a = post(overlong, "strict-overlong");

        assertThat(a.status()).as(a.text()).isEqualTo(400);
        assertThat(a.body().at("/errors/0/pointer").asText()).isEmpty();
        assertThat(a.body().at("/errors/0/detail").asText()).contains("not valid UTF-8").contains("offset " + at);
        assertThat(env.eventsStored("strict-overlong")).isZero();
    }

    @Test
    void escapes_of_a_lone_surrogate_or_nul_are_refused_naming_the_field() {
        ObjectNode note = Events.of("note");
        ((ObjectNode) note.get("payload")).put("text", "LONE").put("title", "NUL");
        String json = new String(TestGateway.bytes(note), StandardCharsets.UTF_8)
                .replace("\"LONE\"", "\"\\ud800\"").replace("\"NUL\"", "\"a\\u0000b\"");

        ApiClient.Answer a = post(json.getBytes(StandardCharsets.UTF_8), "strict-escapes");

        assertThat(a.status()).as(a.text()).isEqualTo(400);
        assertThat(a.body().get("errors").findValuesAsText("pointer"))
                .containsExactlyInAnyOrder("/payload/text", "/payload/title");
        assertThat(env.eventsStored("strict-escapes")).isZero();
    }

    @Test
    void year_0000_is_refused_naming_the_field() {
        ObjectNode reading = Events.bloodPressure(60);
        reading.put("occurredAt", "0000-11-01T00:00:00Z");

        ApiClient.Answer a = env.gateway().submit(reading, "strict-year-0");

        assertThat(a.status()).as(a.text()).isEqualTo(400);
        assertThat(a.body().at("/errors/0/pointer").asText()).isEqualTo("/occurredAt");
        assertThat(a.body().at("/errors/0/detail").asText()).isEqualTo("must be in the years 0001 to 9999");
    }

    @Test
    void a_gzip_body_is_taken_under_the_same_limit_and_other_codings_are_415() throws IOException {
        byte[] plain = TestGateway.bytes(Events.bloodPressure(61));
        ApiClient.Answer zipped = post(gzip(plain), "strict-gzip", "Content-Encoding", "gzip");
        assertThat(zipped.status()).as(zipped.text()).isEqualTo(202);
        assertThat(env.pg().text("SELECT body->>'occurredAt' FROM clinical_event WHERE idempotency_key = 'strict-gzip'"))
                .isEqualTo(Events.bloodPressure(61).get("occurredAt").asText());

        byte[] bomb = gzip(("{\"x\":\"" + "a".repeat(2 * 1024 * 1024) + "\"}").getBytes(StandardCharsets.UTF_8));
        assertThat(bomb.length).isLessThan(1024 * 1024);
        ApiClient.Answer tooLarge = post(bomb, "strict-bomb", "Content-Encoding", "gzip");
        assertThat(tooLarge.status()).as(tooLarge.text()).isEqualTo(413);
        assertThat(tooLarge.body().at("/errors/0/detail").asText()).endsWith("after decompression");

        ApiClient.Answer notGzip = post(plain, "strict-not-gzip", "Content-Encoding", "gzip");
        assertThat(notGzip.status()).as(notGzip.text()).isEqualTo(400);
        assertThat(notGzip.body().at("/errors/0/pointer").asText()).isEqualTo("header:Content-Encoding");

        ApiClient.Answer brotli = post(plain, "strict-br", "Content-Encoding", "br");
        assertThat(brotli.status()).as(brotli.text()).isEqualTo(415);
        assertThat(brotli.body().at("/errors/0/pointer").asText()).isEqualTo("header:Content-Encoding");
        assertThat(env.eventsStored("strict-b%") + env.eventsStored("strict-not-gzip")).isZero();
    }

    @Test
    void a_header_over_8_kib_is_a_431_problem() {
        ApiClient.Answer a = post(TestGateway.bytes(Events.bloodPressure(62)), "strict-431",
                "X-Padding", "p".repeat(9 * 1024));

        assertThat(a.status()).isEqualTo(431);
        assertThat(a.header("Content-Type")).startsWith("application/problem+json");
        assertThat(a.body().get("type").asText()).endsWith("/header-too-large");
        assertThat(a.text()).doesNotContainIgnoringCase("jetty").doesNotContain("<html");
    }

    @Test
    void other_methods_on_events_are_405_with_allow_and_unknown_paths_404_problems() {
        ApiClient.Answer put = env.gateway().call("PUT", "/v1/events", "{}");
        ApiClient.Answer delete = env.gateway().call("DELETE", "/v1/events", null);
        ApiClient.Answer unknown = env.gateway().call("GET", "/v1/nothing-here", null);

        assertThat(put.status()).isEqualTo(405);
        assertThat(put.header("Allow")).isEqualTo("POST, GET");
        assertThat(put.header("Content-Type")).startsWith("application/problem+json");
        assertThat(put.body().get("type").asText()).endsWith("/method-not-allowed");
        assertThat(delete.status()).isEqualTo(405);
        assertThat(delete.header("Allow")).isEqualTo("POST, GET");
        assertThat(unknown.status()).isEqualTo(404);
        assertThat(unknown.header("Content-Type")).startsWith("application/problem+json");
    }

    @Test
    void json_errors_are_worded_without_the_parsers_internals() {
        ApiClient.Answer duplicate = post("{\"type\":\"note\",\"type\":\"vitals\"}".getBytes(StandardCharsets.UTF_8),
                "strict-dup");
        ApiClient.Answer deep = post(("[".repeat(40) + "]".repeat(40)).getBytes(StandardCharsets.UTF_8),
                "strict-deep");
        ApiClient.Answer truncated = post("{\"type\":".getBytes(StandardCharsets.UTF_8), "strict-truncated");

        assertThat(duplicate.status()).isEqualTo(400);
        assertThat(duplicate.body().at("/errors/0/detail").asText()).contains("\"type\" appears twice");
        assertThat(deep.status()).isEqualTo(400);
        assertThat(deep.body().at("/errors/0/detail").asText()).contains("nesting depth 32");
        assertThat(truncated.status()).isEqualTo(400);
        for (ApiClient.Answer a : new ApiClient.Answer[] {duplicate, deep, truncated}) {
            assertThat(a.text()).doesNotContain("Jackson", "jackson", "ObjectNode", "StreamReadConstraints",
                    "DeserializationFeature", "`");
        }
    }
}
