package dev.chartbridge.app.faults;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.chartbridge.app.config.GatewayConfig;
import dev.chartbridge.simulators.advancedmd.AdvancedMdSeed;
import dev.chartbridge.simulators.advancedmd.AdvancedMdSimulator;
import dev.chartbridge.simulators.advancedmd.RateTier;

import java.time.Clock;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.temporal.TemporalAdjusters;
import java.util.List;
import java.util.Map;

/**
 * AdvancedMD: session login, no identifiers on records. Its quota is kept as published for tier 3 off-peak (120
 * requests a minute; the simulator's clock is moved to a Sunday so the test behaves the same at any hour), which
 * is why it gets few events: a quota hit costs the rest of a 60 s window.
 */
final class AdvancedMdLane implements Lane {
    private static final String CHART_SYSTEM = "urn:example:advancedmd:chart";
    private static final Map<String, String> KIND = Map.of("note", "ehrnote", "condition", "ehrproblem");
    private final AdvancedMdSimulator sim = AdvancedMdSimulator.builder().tier(RateTier.TIER_3).clock(sunday()).start();
    private final String passwordFile = FaultMatrixTest.secretFile("advancedmd", AdvancedMdSeed.PASSWORD);

    private static Clock sunday() {
        ZonedDateTime now = ZonedDateTime.now(ZoneOffset.UTC);
        ZonedDateTime noon = now.with(TemporalAdjusters.nextOrSame(DayOfWeek.SUNDAY)).withHour(18).withMinute(0);
        return Clock.offset(Clock.systemUTC(), Duration.between(now, noon));
    }

    @Override
    public String target() {
        return "advancedmd";
    }

    @Override
    public AdvancedMdSimulator simulator() {
        return sim;
    }

    @Override
    public GatewayConfig.ConnectionConfig connection() {
        return new GatewayConfig.ConnectionConfig(target(), "advancedmd", sim.partnerLoginUrl(), null, null, null, null,
                AdvancedMdSeed.USERNAME, null, passwordFile, AdvancedMdSeed.OFFICE_KEY,
                Map.of("appName", AdvancedMdSeed.APP_NAME, "tier", "3", "mrnSystem", CHART_SYSTEM,
                        "provider.1234567893", AdvancedMdSeed.PROVIDER_ADA),
                null, FaultMatrixTest.CONCURRENCY, FaultMatrixTest.READ_TIMEOUT_MS);
    }

    @Override
    public List<String> types() {
        return List.of("note", "condition");
    }

    @Override
    public int events() {
        return 30;
    }

    @Override
    public List<Patient> patients() {
        String visit = "urn:example:advancedmd:visit";
        return List.of(
                Patient.of(CHART_SYSTEM, "1001", visit, AdvancedMdSeed.VISIT_MARIA_OPEN, AdvancedMdSeed.PATIENT_MARIA),
                Patient.of(CHART_SYSTEM, "1002", visit, AdvancedMdSeed.VISIT_MARIO_OPEN, AdvancedMdSeed.PATIENT_MARIO),
                Patient.of(CHART_SYSTEM, "1003", visit, AdvancedMdSeed.VISIT_JAMES_OPEN, AdvancedMdSeed.PATIENT_JAMES));
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
