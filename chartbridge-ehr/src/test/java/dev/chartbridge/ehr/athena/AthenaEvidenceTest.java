package dev.chartbridge.ehr.athena;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.chartbridge.core.adapter.FindOutcome;
import dev.chartbridge.core.adapter.SendOutcome;
import dev.chartbridge.core.adapter.WriteContext;
import dev.chartbridge.core.event.ClinicalEvent;
import dev.chartbridge.simulators.RecordedRequest;
import dev.chartbridge.simulators.athena.AthenaEnvironment;
import dev.chartbridge.simulators.athena.AthenaSimulator;
import dev.chartbridge.simulators.athena.AthenaSimulatorExtension;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every request the adapter sends to athena, for every event type, its reconciliation and its verification, in
 * normal and in strict mode, is one the evidence ledger names ({@code docs/evidence/athenahealth.yaml}, endpoint
 * entries' {@code match}; braces are wildcards). A request outside the ledger is a behaviour nobody checked.
 */
class AthenaEvidenceTest {
    private static final Path LEDGER = Path.of("..", "docs", "evidence", "athenahealth.yaml");

    @RegisterExtension
    static final AthenaSimulatorExtension SIM = new AthenaSimulatorExtension();

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void every_request_the_adapter_sends_is_an_endpoint_of_the_ledger(boolean strict) throws Exception {
        AthenaSimulator sim = SIM.simulator();
        sim.strict(strict);
        sim.environment(AthenaEnvironment.PRODUCTION); // every type, found and verified, within the second
        AthenaAdapter adapter = AthenaFixture.adapter(sim);
        for (String type : AthenaFixture.SUPPORTED) {
            ClinicalEvent event = AthenaFixture.parse(AthenaFixture.example(type));
            for (int part = 0; part < event.payload().parts(); part++) {
                WriteContext write = AthenaFixture.write(event, part);
                SendOutcome sent = adapter.send(write);
                FindOutcome found = adapter.find(write);
                assertThat(found).as("%s (strict %s): %s", type, strict, sent).isInstanceOf(FindOutcome.Found.class);
                adapter.verify(AthenaFixture.at(write, ((FindOutcome.Found) found).ref()));
            }
        }

        List<Pattern> endpoints = endpoints();
        List<RecordedRequest> requests = sim.stats().journal().all();
        assertThat(requests).hasSizeGreaterThan(10);
        for (RecordedRequest r : requests) {
            String key = r.method() + " " + r.pathAndQuery().replaceAll("\\?.*", "");
            assertThat(endpoints).as("ledger endpoint for %s", key).anyMatch(p -> p.matcher(key).matches());
        }
    }

    private static List<Pattern> endpoints() throws Exception {
        JsonNode ledger = new ObjectMapper(new YAMLFactory()).readTree(LEDGER.toFile());
        assertThat(ledger.path("vendor").asText()).isEqualTo("athenahealth");
        List<Pattern> out = new ArrayList<>();
        for (JsonNode e : ledger.path("entries")) {
            if (e.path("kind").asText().equals("endpoint")) {
                String match = e.path("match").asText();
                StringBuilder regex = new StringBuilder();
                for (String part : match.split("\\{[^}]+}", -1)) {
                    if (!regex.isEmpty()) {
                        regex.append("[^/]+");
                    }
                    regex.append(Pattern.quote(part));
                }
                out.add(Pattern.compile(regex.toString()));
            }
        }
        return out;
    }
}
