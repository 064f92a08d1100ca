package dev.chartbridge.rig.demo;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.chartbridge.app.config.GatewayConfig;
import dev.chartbridge.core.json.Json;
import dev.chartbridge.simulators.advancedmd.AdvancedMdSeed;
import dev.chartbridge.simulators.advancedmd.AdvancedMdSimulator;
import dev.chartbridge.simulators.athena.AthenaSeed;
import dev.chartbridge.simulators.athena.AthenaSimulator;
import dev.chartbridge.simulators.ecw.EcwSeed;
import dev.chartbridge.simulators.ecw.EcwSimulator;
import dev.chartbridge.simulators.epic.EpicSeed;
import dev.chartbridge.simulators.epic.EpicSimulator;
import dev.chartbridge.simulators.fhir.FhirSimulator;
import dev.chartbridge.simulators.fhir.SeedData;
import dev.chartbridge.simulators.veradigm.VeradigmSeed;
import dev.chartbridge.simulators.veradigm.VeradigmSimulator;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Starts the six simulators the demo writes to and describes each as a tenant's connection. The credentials are
 * the simulators' published test credentials (docs/simulators.md), written to files as a tenant would keep them.
 */
final class DemoEhrs {
    private static final String CLIENT = "chartbridge-demo";
    private static final String[] SMART_SCOPES = {"system/Patient.rs", "system/Encounter.rs", "system/Observation.crs",
        "system/DocumentReference.crs", "system/Condition.crs", "system/AllergyIntolerance.crs",
        "system/MedicationRequest.crs"};

    private DemoEhrs() {
    }

    static List<DemoEhr> start(Path work) throws IOException {
        return List.of(fhir(), epic(), athena(work), ecw(), advancedMd(work), veradigm(work));
    }

    private static ObjectNode id(String system, String value) {
        return Json.MAPPER.createObjectNode().put("system", system).put("value", value);
    }

    private static GatewayConfig.ConnectionConfig connection(String name, String vendor, String baseUrl,
                                                             String tokenUrl, String clientId, String secretFile,
                                                             String username, String passwordFile, String practiceId,
                                                             Map<String, String> settings) {
        return new GatewayConfig.ConnectionConfig(name, vendor, baseUrl, tokenUrl, clientId, null, secretFile,
                username, null, passwordFile, practiceId, settings, null, 4, 5_000L);
    }

    private static void confirmedConditions(String type, ObjectNode event) {
        if (type.equals("condition")) {
            event.with("payload").put("verificationStatus", "confirmed");
        }
    }

    private static DemoEhr fhir() {
        FhirSimulator sim = FhirSimulator.start();
        return new DemoEhr("ehr", "generic FHIR R4", sim, GatewayConfig.ConnectionConfig.fhir("ehr", sim.baseUrl(), 4,
                5_000L), id(SeedData.MRN_SYSTEM, SeedData.MRN_MARIA), id(SeedData.VISIT_SYSTEM, "V5001"),
                port -> { }, (t, e) -> { });
    }

    private static DemoEhr epic() {
        EpicSimulator sim = EpicSimulator.start();
        return new DemoEhr("epic", "Epic", sim, connection("epic", "epic", sim.baseUrl(), sim.tokenUrl(), CLIENT,
                null, null, null, null, null), id(EpicSeed.MRN_SYSTEM, EpicSeed.MRN_MARIA),
                id(EpicSeed.CSN_SYSTEM, EpicSeed.CSN_MARIA_OPEN),
                port -> sim.registerClient(CLIENT, jwks(port), SMART_SCOPES), (t, e) -> { });
    }

    private static DemoEhr athena(Path work) throws IOException {
        AthenaSimulator sim = AthenaSimulator.start();
        String secret = secret(work, "athena-secret", AthenaSeed.CLIENT_SECRET);
        String origin = sim.tokenUrl().replace("/oauth2/v1/token", "");
        return new DemoEhr("athena", "athenahealth", sim, connection("athena", "athenahealth", origin,
                sim.tokenUrl(), AthenaSeed.CLIENT_ID, secret, null, null, AthenaSeed.PRACTICE_ID,
                Map.of("departmentId", AthenaSeed.DEPARTMENT_ID, "mrnSystem", AthenaSeed.MRN_SYSTEM,
                        "mrnCustomFieldId", AthenaSeed.MRN_CUSTOM_FIELD_ID)),
                id(AthenaSeed.MRN_SYSTEM, SeedData.MRN_MARIA), id("urn:athenahealth:encounterid",
                AthenaSeed.ENCOUNTER_MARIA_OPEN), port -> { }, (t, e) -> { });
    }

    private static DemoEhr ecw() {
        EcwSimulator sim = EcwSimulator.start();
        String base = sim.baseUrl().substring(0, sim.baseUrl().lastIndexOf('/'));
        return new DemoEhr("ecw", "eClinicalWorks", sim, connection("ecw", "eclinicalworks", base, sim.tokenUrl(),
                CLIENT, null, null, null, sim.practiceCode(), null), id(EcwSeed.ACCOUNT_SYSTEM, EcwSeed.ACCOUNT_MARIA),
                id(EcwSeed.ENCOUNTER_SYSTEM, "5001"), port -> sim.registerClient(CLIENT, jwks(port), SMART_SCOPES),
                (t, e) -> { });
    }

    private static DemoEhr advancedMd(Path work) throws IOException {
        AdvancedMdSimulator sim = AdvancedMdSimulator.start();
        String password = secret(work, "advancedmd-password", AdvancedMdSeed.PASSWORD);
        String chart = "urn:example:advancedmd:chart";
        return new DemoEhr("advancedmd", "AdvancedMD", sim, connection("advancedmd", "advancedmd",
                sim.partnerLoginUrl(), null, null, null, AdvancedMdSeed.USERNAME, password, AdvancedMdSeed.OFFICE_KEY,
                Map.of("appName", AdvancedMdSeed.APP_NAME, "requestsPerMinute", "6", "mrnSystem", chart,
                        "timeZone", AdvancedMdSeed.TIME_ZONE, "noteTemplateId", AdvancedMdSeed.NOTE_TEMPLATE_ID,
                        "noteTextField", AdvancedMdSeed.NOTE_FIELD_TEXT,
                        "noteTitleField", AdvancedMdSeed.NOTE_FIELD_TITLE)),
                id(chart, SeedData.MRN_MARIA), id("urn:example:advancedmd:visit", AdvancedMdSeed.VISIT_MARIA_OPEN),
                port -> { }, DemoEhrs::confirmedConditions);
    }

    private static DemoEhr veradigm(Path work) throws IOException {
        VeradigmSimulator sim = VeradigmSimulator.start();
        String password = secret(work, "unity-password", VeradigmSeed.UNITY_PASSWORD);
        String userPassword = secret(work, "unity-ehr-user-password", VeradigmSeed.APP_USER_PASSWORD);
        String mrn = "urn:example:veradigm:mrn";
        return new DemoEhr("veradigm", "Veradigm", sim, connection("veradigm", "veradigm", sim.unityUrl(), null, null,
                null, VeradigmSeed.UNITY_USERNAME, password, null,
                Map.of("appName", VeradigmSeed.APP_NAME, "appUserId", VeradigmSeed.APP_USER,
                        "appUserPasswordFile", userPassword, "mrnSystem", mrn,
                        "provider." + SeedData.NPI_SAMUEL, "sokafor")),
                id(mrn, SeedData.MRN_MARIA), id("urn:example:veradigm:encounter", VeradigmSeed.ENCOUNTER_MARIA_OPEN),
                port -> { }, DemoEhrs::confirmedConditions);
    }

    private static String jwks(int gatewayPort) {
        return "http://127.0.0.1:" + gatewayPort + "/.well-known/jwks.json";
    }

    private static String secret(Path work, String name, String value) throws IOException {
        Path file = work.resolve(name);
        Files.writeString(file, value);
        return file.toString();
    }
}
