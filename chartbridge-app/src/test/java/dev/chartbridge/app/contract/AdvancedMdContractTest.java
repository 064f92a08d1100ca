package dev.chartbridge.app.contract;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.JsonNode;
import dev.chartbridge.app.ApiClient;
import dev.chartbridge.app.config.GatewayConfig;
import dev.chartbridge.core.intake.Json;
import dev.chartbridge.simulators.advancedmd.AdvancedMdSeed;
import dev.chartbridge.simulators.advancedmd.AdvancedMdSimulator;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The adapter contract against the AdvancedMD simulator (XML-RPC session login, addehrnotebyvisit, addehrproblem). */
class AdvancedMdContractTest extends AdapterContract {
    private static final String CHART_SYSTEM = "urn:example:advancedmd:chart";
    private static final Map<String, String> KIND = Map.of("note", "ehrnote", "condition", "ehrproblem");
    private AdvancedMdSimulator sim;
    private Path passwordFile;

    @Override
    protected void startSimulator(Path workDir) throws Exception {
        sim = AdvancedMdSimulator.start();
        passwordFile = workDir.resolve("advancedmd-password");
        writeFile(passwordFile, AdvancedMdSeed.PASSWORD);
    }

    @Override
    protected void stopSimulator() {
        sim.close();
    }

    @Override
    protected GatewayConfig.ConnectionConfig connection() {
        return new GatewayConfig.ConnectionConfig(TARGET, "advancedmd", sim.partnerLoginUrl(), null, null, null, null,
                AdvancedMdSeed.USERNAME, null, passwordFile.toString(), AdvancedMdSeed.OFFICE_KEY,
                Map.of("appName", AdvancedMdSeed.APP_NAME, "tier", "3", "mrnSystem", CHART_SYSTEM,
                        "provider.1234567893", AdvancedMdSeed.PROVIDER_ADA),
                null, 4, 5_000L);
    }

    @Override
    protected List<String> supportedTypes() {
        return List.of("note", "condition");
    }

    @Override
    protected ObjectNode patientIdentifier() {
        return Json.MAPPER.createObjectNode().put("system", CHART_SYSTEM).put("value", "1001");
    }

    @Override
    protected ObjectNode encounterIdentifier() {
        return Json.MAPPER.createObjectNode().put("system", "urn:example:advancedmd:visit")
                .put("value", AdvancedMdSeed.VISIT_MARIA_OPEN);
    }

    @Override
    protected void adapt(String eventType, ObjectNode event) {
        if (eventType.equals("condition")) {
            event.with("payload").put("verificationStatus", "confirmed");
        }
    }

    @Override
    protected int recordsInEhr(String eventType) {
        return sim.records(KIND.get(eventType), AdvancedMdSeed.PATIENT_MARIA).size();
    }

    @Test
    void a_note_whose_answer_is_lost_is_reconciled_by_content_and_lands_once() throws Exception {
        aLostNoteIsReconciledAndLandsOnce(sim.faults(), "amd");
    }
}
