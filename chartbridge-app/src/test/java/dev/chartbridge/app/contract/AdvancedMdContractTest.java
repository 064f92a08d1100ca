package dev.chartbridge.app.contract;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.chartbridge.app.ApiClient;
import dev.chartbridge.app.config.GatewayConfig;
import dev.chartbridge.core.intake.Json;
import dev.chartbridge.simulators.RecordedRequest;
import dev.chartbridge.simulators.Simulator;
import dev.chartbridge.simulators.advancedmd.AdvancedMdSeed;
import dev.chartbridge.simulators.advancedmd.AdvancedMdSimulator;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/** The adapter contract against the AdvancedMD simulator (XML-RPC session login, addehrnotebyvisit, addehrproblem). */
class AdvancedMdContractTest extends AdapterContract {
    private static final String CHART_SYSTEM = "urn:example:advancedmd:chart";
    private static final Pattern WRITE_ACTION = Pattern.compile("action=\"(add|upload|save)",
            Pattern.CASE_INSENSITIVE);
    private static final Map<String, String> KIND = Map.of("note", "ehrnote", "condition", "ehrproblem");
    private AdvancedMdSimulator sim;
    private AdvancedMdSimulator otherPractice;
    private Path passwordFile;

    @Override
    protected Simulator startSimulator(Path workDir) throws Exception {
        sim = AdvancedMdSimulator.start();
        otherPractice = AdvancedMdSimulator.start();
        passwordFile = workDir.resolve("advancedmd-password");
        writeFile(passwordFile, AdvancedMdSeed.PASSWORD);
        return sim;
    }

    @Override
    protected void stopSimulator() {
        super.stopSimulator();
        otherPractice.close();
    }

    @Override
    protected String statusSetInEhr() {
        return "Resolved";
    }

    /**
     * A status change and a deletion, no amendment: AdvancedMD's 12 calls a minute leave read-back 3 re-reads a
     * minute, one every 20 s, and each change here costs one. An amendment is found by the same content digest
     * as on athenahealth and Veradigm.
     */
    @Override
    protected List<String> readBackChanges() {
        return List.of(STATUS_CHANGED, DELETED);
    }

    /** Every XML-RPC call is a POST: writes are the add, upload and save actions. */
    @Override
    protected boolean writesToChart(RecordedRequest request) {
        return WRITE_ACTION.matcher(request.bodyText()).find();
    }

    @Override
    protected GatewayConfig.ConnectionConfig connection() {
        return connection(sim);
    }

    /**
     * The read-back check's tenant is another practice, on a simulator of its own: AdvancedMD's quota is per office
     * key, and two tenants on one key would use up each other's calls (the gateway budgets per connection).
     */
    @Override
    protected GatewayConfig.ConnectionConfig readBackConnection() {
        return connection(otherPractice);
    }

    @Override
    protected Simulator readBackSimulator() {
        return otherPractice;
    }

    private GatewayConfig.ConnectionConfig connection(AdvancedMdSimulator practice) {
        return new GatewayConfig.ConnectionConfig(TARGET, "advancedmd", practice.partnerLoginUrl(), null, null, null,
                null,
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
