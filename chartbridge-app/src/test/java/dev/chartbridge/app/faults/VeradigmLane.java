package dev.chartbridge.app.faults;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.chartbridge.app.config.GatewayConfig;
import dev.chartbridge.simulators.veradigm.VeradigmSeed;
import dev.chartbridge.simulators.veradigm.VeradigmSimulator;

import java.util.List;
import java.util.Map;

/** Veradigm: Unity GetToken and MagicJson save actions, no identifiers on records (found by content). */
final class VeradigmLane implements Lane {
    private static final String MRN_SYSTEM = "urn:example:veradigm:mrn";
    private static final Map<String, String> KIND = Map.of("vitals", "vitals", "note", "note", "condition", "problem",
            "allergy", "allergy", "medication-change", "medication", "follow-up-task", "task");
    private final VeradigmSimulator sim = VeradigmSimulator.start();
    private final String passwordFile = FaultMatrixTest.secretFile("unity", VeradigmSeed.UNITY_PASSWORD);

    @Override
    public String target() {
        return "veradigm";
    }

    @Override
    public VeradigmSimulator simulator() {
        return sim;
    }

    @Override
    public GatewayConfig.ConnectionConfig connection() {
        return new GatewayConfig.ConnectionConfig(target(), "veradigm", sim.unityUrl(), null, null, null, null,
                VeradigmSeed.UNITY_USERNAME, null, passwordFile, null,
                Map.of("appName", VeradigmSeed.APP_NAME, "appUserId", VeradigmSeed.APP_USER, "mrnSystem", MRN_SYSTEM,
                        "provider.1245319599", "sokafor"),
                null, FaultMatrixTest.CONCURRENCY, FaultMatrixTest.READ_TIMEOUT_MS);
    }

    @Override
    public List<String> types() {
        return List.of("vitals", "note", "condition", "allergy", "medication-change", "follow-up-task");
    }

    @Override
    public int events() {
        return 250;
    }

    @Override
    public List<Patient> patients() {
        String enc = "urn:example:veradigm:encounter";
        return List.of(
                Patient.of(MRN_SYSTEM, "1001", enc, VeradigmSeed.ENCOUNTER_MARIA_OPEN, VeradigmSeed.PATIENT_MARIA),
                Patient.of(MRN_SYSTEM, "1002", enc, VeradigmSeed.ENCOUNTER_MARIO_OPEN, VeradigmSeed.PATIENT_MARIO),
                Patient.of(MRN_SYSTEM, "1003", enc, VeradigmSeed.ENCOUNTER_JAMES_OPEN, VeradigmSeed.PATIENT_JAMES));
    }

    @Override
    public int records(String eventType, Patient patient) {
        return sim.records(KIND.get(eventType), patient.simulatorId()).size();
    }

    @Override
    public void adapt(String eventType, ObjectNode event) {
        if (eventType.equals("condition")) {
            event.with("payload").put("verificationStatus", "confirmed");
        }
    }
}
