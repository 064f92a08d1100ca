package dev.chartbridge.app.faults;

import dev.chartbridge.app.config.GatewayConfig;
import dev.chartbridge.simulators.veradigm.VeradigmSeed;
import dev.chartbridge.simulators.veradigm.VeradigmSimulator;

import java.util.List;
import java.util.Map;

/** Veradigm: Unity GetToken and MagicJson save actions, no identifiers on records (found by content). */
final class VeradigmLane extends ChartLane {
    private static final String MRN_SYSTEM = "urn:example:veradigm:mrn";
    private final VeradigmSimulator sim;
    private final String passwordFile = FaultMatrixTest.secretFile("unity", VeradigmSeed.UNITY_PASSWORD);
    private final String userPasswordFile = FaultMatrixTest.secretFile("unity-user", VeradigmSeed.APP_USER_PASSWORD);

    VeradigmLane() {
        this(VeradigmSimulator.start());
    }

    private VeradigmLane(VeradigmSimulator sim) {
        super("veradigm", sim, List.of("vitals", "note", "condition", "allergy", "medication-change",
                        "follow-up-task"), 150, seeded(MRN_SYSTEM, "urn:example:veradigm:encounter",
                        List.of(VeradigmSeed.ENCOUNTER_MARIA_OPEN, VeradigmSeed.ENCOUNTER_MARIO_OPEN,
                                VeradigmSeed.ENCOUNTER_JAMES_OPEN),
                        List.of(VeradigmSeed.PATIENT_MARIA, VeradigmSeed.PATIENT_MARIO, VeradigmSeed.PATIENT_JAMES)),
                Map.of("vitals", "vitals", "note", "note", "condition", "problem", "allergy", "allergy",
                        "medication-change", "medication", "follow-up-task", "task"), sim::records, true);
        this.sim = sim;
    }

    @Override
    GatewayConfig.ConnectionConfig connection() {
        return new GatewayConfig.ConnectionConfig(target(), "veradigm", sim.unityUrl(), null, null, null, null,
                VeradigmSeed.UNITY_USERNAME, null, passwordFile, null,
                Map.of("appName", VeradigmSeed.APP_NAME, "appUserId", VeradigmSeed.APP_USER,
                        "appUserPasswordFile", userPasswordFile, "mrnSystem", MRN_SYSTEM,
                        "provider.1245319599", "sokafor"),
                null, FaultMatrixTest.CONCURRENCY, FaultMatrixTest.READ_TIMEOUT_MS);
    }
}
