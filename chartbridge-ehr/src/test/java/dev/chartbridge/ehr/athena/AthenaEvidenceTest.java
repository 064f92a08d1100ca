package dev.chartbridge.ehr.athena;

import dev.chartbridge.core.adapter.FindOutcome;
import dev.chartbridge.core.adapter.SendOutcome;
import dev.chartbridge.core.adapter.VerifyOutcome;
import dev.chartbridge.core.adapter.WriteContext;
import dev.chartbridge.core.event.ClinicalEvent;
import dev.chartbridge.core.testing.EvidenceLedger;
import dev.chartbridge.simulators.athena.AthenaEnvironment;
import dev.chartbridge.simulators.athena.AthenaSimulator;
import dev.chartbridge.simulators.athena.AthenaSimulatorExtension;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every request the adapter sends to athena, for every event type, its reconciliation and its verification, in
 * normal and in strict mode, is one the evidence ledger names ({@code docs/evidence/athenahealth.yaml}, endpoint
 * entries' {@code match}; braces are wildcards). A request outside the ledger is a behaviour nobody checked.
 */
class AthenaEvidenceTest {
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
                assertThat(adapter.verify(AthenaFixture.at(write, ((FindOutcome.Found) found).ref())))
                        .as("%s (strict %s)", type, strict).isInstanceOf(VerifyOutcome.Verified.class);
            }
        }

        List<String> keys = sim.stats().journal().all().stream().map(r -> r.method() + " " + r.pathAndQuery())
                .toList();
        assertThat(keys).hasSizeGreaterThan(10);
        assertThat(EvidenceLedger.load().unevidenced("athenahealth", keys)).as("requests without a ledger endpoint")
                .isEmpty();
    }
}
