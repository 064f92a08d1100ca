package dev.chartbridge.app.hapi;

import com.fasterxml.jackson.databind.JsonNode;
import dev.chartbridge.core.json.Json;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

import static org.assertj.core.api.Assertions.assertThat;

/** The in-process HAPI JPA server answers as HAPI (its CapabilityStatement) and holds the simulators' seed. */
class HapiJpaStartupTest {
    @RegisterExtension
    static HapiJpaExtension hapi = new HapiJpaExtension();

    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    void the_server_is_hapi_and_finds_the_seeded_patient_by_mrn() throws Exception {
        JsonNode metadata = get("/metadata");
        assertThat(metadata.get("resourceType").asText()).isEqualTo("CapabilityStatement");
        assertThat(metadata.at("/software/name").asText()).isEqualTo("HAPI FHIR Server");

        JsonNode found = get("/Patient?identifier=urn:chartbridge:sim:mrn%7C1001");
        assertThat(found.get("total").asInt()).isEqualTo(1);
        assertThat(found.at("/entry/0/resource/id").asText()).isEqualTo("pat-1001");
    }

    private JsonNode get(String path) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(hapi.server().baseUrl() + path))
                .header("Accept", "application/fhir+json").build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return Json.MAPPER.readTree(r.body());
    }
}
