package dev.chartbridge.ehr.veradigm;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import dev.chartbridge.core.adapter.SendOutcome;
import dev.chartbridge.core.event.ClinicalEvent;
import dev.chartbridge.core.json.Json;
import dev.chartbridge.ehr.Connection;
import dev.chartbridge.ehr.vendortest.TestEvents;
import dev.chartbridge.simulators.vendorkit.SettableClock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 11 at Veradigm: an encounter that Unity's GetEncounterList lists with another patient's id in
 * {@code PatientID} is never written against, whatever else the answer says. Played by a small Unity stand-in over
 * real HTTP (the simulator lists each patient's own encounters only, so it cannot show this answer).
 */
class EncounterOfAnotherPatientTest {
    private static final SettableClock CLOCK = new SettableClock(TestEvents.SIMULATOR_NOW);
    private final List<String> actions = new CopyOnWriteArrayList<>();
    private HttpServer unity;

    @BeforeEach
    void start() throws IOException {
        unity = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        unity.createContext("/Unity/UnityService.svc/json/", exchange -> {
            String path = exchange.getRequestURI().getPath();
            JsonNode body = Json.MAPPER.readTree(exchange.getRequestBody());
            String answer;
            if (path.endsWith("/GetToken")) {
                answer = "5B6FBE1C-6B9C-43AB-8A60-AD8E45AE813D";
            } else {
                String action = body.path("Action").asText();
                actions.add(action);
                answer = switch (action) {
                    case "GetUserAuthentication" -> "[{\"getuserauthenticationinfo\":[{\"ValidUser\":\"YES\"}]}]";
                    case "GetPatientByMRN" -> "[{\"getpatientbymrninfo\":[{\"ID\":\"33\",\"mrn\":\"1001\"}]}]";
                    // the event's encounter, listed for the patient asked about, but naming another patient
                    case "GetEncounterList" -> "[{\"getencounterlistinfo\":[{\"ID\":\"20201\",\"PatientID\":\"34\"}]}]";
                    default -> "[{\"" + action.toLowerCase() + "info\":[{\"transid\":\"1\"}]}]";
                };
            }
            byte[] bytes = answer.getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, bytes.length);
            exchange.getResponseBody().write(bytes);
            exchange.close();
        });
        unity.start();
    }

    @AfterEach
    void stop() {
        unity.stop(0);
    }

    @Test
    void an_encounter_listed_with_another_patients_id_is_refused_and_nothing_is_saved() {
        String base = "http://127.0.0.1:" + unity.getAddress().getPort() + "/Unity/UnityService.svc/json";
        VeradigmAdapter adapter = new VeradigmAdapter(VeradigmSettings.from(new Connection("ehr", "veradigm", base,
                null, null, null, "svc", "svc-secret", null, VeradigmAdapterTest.settings("user-secret"), Set.of(), 4,
                Duration.ofSeconds(5))), CLOCK);
        ClinicalEvent note = new TestEvents(VeradigmAdapterTest.MRN, VeradigmAdapterTest.ENCOUNTER)
                .event("note", "1001", "20201", e -> { });

        SendOutcome out = adapter.send(TestEvents.write(note, 0, "note"));

        assertThat(out).isInstanceOfSatisfying(SendOutcome.Rejected.class, r -> {
            assertThat(r.error().vendorCode()).isEqualTo("wrong-patient");
            assertThat(r.error().message()).contains("another patient").doesNotContain("34");
        });
        assertThat(actions).contains("GetEncounterList").noneMatch(a -> a.startsWith("Save"));
    }
}
