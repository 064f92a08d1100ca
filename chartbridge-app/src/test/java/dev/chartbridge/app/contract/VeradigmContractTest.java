package dev.chartbridge.app.contract;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.chartbridge.app.ApiClient;
import dev.chartbridge.app.config.GatewayConfig;
import dev.chartbridge.core.intake.Json;
import dev.chartbridge.simulators.RecordedRequest;
import dev.chartbridge.simulators.Simulator;
import dev.chartbridge.simulators.veradigm.VeradigmSeed;
import dev.chartbridge.simulators.veradigm.VeradigmSimulator;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/** The adapter contract against the Veradigm simulator's Unity API (GetToken, MagicJson save actions). */
class VeradigmContractTest extends AdapterContract {
    private static final String MRN_SYSTEM = "urn:example:veradigm:mrn";
    private static final Pattern SAVE_ACTION = Pattern.compile("\"Action\"\\s*:\\s*\"Save",
            Pattern.CASE_INSENSITIVE);
    private static final Map<String, String> KIND = Map.of("vitals", "vitals", "note", "note", "condition", "problem",
            "allergy", "allergy", "medication-change", "medication", "follow-up-task", "task");
    private VeradigmSimulator sim;
    private Path passwordFile;

    @Override
    protected Simulator startSimulator(Path workDir) throws Exception {
        sim = VeradigmSimulator.start();
        passwordFile = workDir.resolve("unity-password");
        writeFile(passwordFile, VeradigmSeed.UNITY_PASSWORD);
        return sim;
    }

    @Override
    protected String statusSetInEhr() {
        return "Resolved";
    }

    /** Every Unity call is a POST: writes are the Save actions. */
    @Override
    protected boolean writesToChart(RecordedRequest request) {
        return SAVE_ACTION.matcher(request.bodyText()).find();
    }

    @Override
    protected GatewayConfig.ConnectionConfig connection() {
        return new GatewayConfig.ConnectionConfig(TARGET, "veradigm", sim.unityUrl(), null, null, null, null,
                VeradigmSeed.UNITY_USERNAME, null, passwordFile.toString(), null,
                Map.of("appName", VeradigmSeed.APP_NAME, "appUserId", VeradigmSeed.APP_USER, "mrnSystem", MRN_SYSTEM,
                        "provider.1245319599", "sokafor"),
                null, 4, 5_000L);
    }

    @Override
    protected List<String> supportedTypes() {
        return List.of("vitals", "note", "condition", "allergy", "medication-change", "follow-up-task");
    }

    @Override
    protected ObjectNode patientIdentifier() {
        return Json.MAPPER.createObjectNode().put("system", MRN_SYSTEM).put("value", "1001");
    }

    @Override
    protected ObjectNode encounterIdentifier() {
        return Json.MAPPER.createObjectNode().put("system", "urn:example:veradigm:encounter")
                .put("value", VeradigmSeed.ENCOUNTER_MARIA_OPEN);
    }

    @Override
    protected void adapt(String eventType, ObjectNode event) {
        if (eventType.equals("condition")) {
            event.with("payload").put("verificationStatus", "confirmed");
        }
    }

    @Override
    protected int recordsInEhr(String eventType) {
        return sim.records(KIND.get(eventType), VeradigmSeed.PATIENT_MARIA).size();
    }

    @Test
    void a_note_whose_answer_is_lost_is_reconciled_by_content_and_lands_once() throws Exception {
        aLostNoteIsReconciledAndLandsOnce(sim.faults(), "veradigm");
    }
}
