package dev.chartbridge.app.faults;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.chartbridge.app.config.GatewayConfig;
import dev.chartbridge.simulators.advancedmd.AdvancedMdSeed;
import dev.chartbridge.simulators.advancedmd.AdvancedMdSimulator;

import java.time.Clock;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.temporal.TemporalAdjusters;
import java.util.List;
import java.util.Map;

/**
 * AdvancedMD: session login, no identifiers on records. Its limits are per action class (EHR writes tier 1, off-peak
 * 60 a minute): the simulator's clock is moved to a Sunday, and the gateway is told the office key's quota is 60 per
 * class at any hour, so the test behaves the same at any hour and causes no billed overrun; few events, since a
 * budget hit costs the rest of a 60 s window.
 */
final class AdvancedMdLane extends ChartLane {
    private static final String CHART_SYSTEM = "urn:example:advancedmd:chart";
    private final AdvancedMdSimulator sim;
    private final String passwordFile = FaultMatrixTest.secretFile("advancedmd", AdvancedMdSeed.PASSWORD);

    AdvancedMdLane() {
        this(AdvancedMdSimulator.builder().clock(sunday()).start());
    }

    private AdvancedMdLane(AdvancedMdSimulator sim) {
        super("advancedmd", sim, List.of("note", "condition"), 30, seeded(CHART_SYSTEM,
                        "urn:example:advancedmd:visit", List.of(AdvancedMdSeed.VISIT_MARIA_OPEN,
                                AdvancedMdSeed.VISIT_MARIO_OPEN, AdvancedMdSeed.VISIT_JAMES_OPEN),
                        List.of(AdvancedMdSeed.PATIENT_MARIA, AdvancedMdSeed.PATIENT_MARIO,
                                AdvancedMdSeed.PATIENT_JAMES)),
                Map.of("note", "patientnote", "condition", "problem"), sim::records, true);
        this.sim = sim;
    }

    private static Clock sunday() {
        ZonedDateTime now = ZonedDateTime.now(ZoneOffset.UTC);
        ZonedDateTime noon = now.with(TemporalAdjusters.nextOrSame(DayOfWeek.SUNDAY)).withHour(18).withMinute(0);
        return Clock.offset(Clock.systemUTC(), Duration.between(now, noon));
    }

    /** AdvancedMD's addehrproblem takes ICD-10: conditions are sent with an ICD-10 code. */
    @Override
    void adapt(String eventType, ObjectNode event) {
        super.adapt(eventType, event);
        if (eventType.equals("condition")) {
            event.with("payload").putObject("code").put("system", "http://hl7.org/fhir/sid/icd-10-cm")
                    .put("code", "I10").put("display", "Essential (primary) hypertension");
        }
    }

    @Override
    GatewayConfig.ConnectionConfig connection() {
        return new GatewayConfig.ConnectionConfig(target(), "advancedmd", sim.partnerLoginUrl(), null, null, null, null,
                AdvancedMdSeed.USERNAME, null, passwordFile, AdvancedMdSeed.OFFICE_KEY,
                Map.of("appName", AdvancedMdSeed.APP_NAME, "requestsPerMinute", "60", "mrnSystem", CHART_SYSTEM,
                        "timeZone", AdvancedMdSeed.TIME_ZONE, "noteTemplateId", AdvancedMdSeed.NOTE_TEMPLATE_ID,
                        "noteTextField", AdvancedMdSeed.NOTE_FIELD_TEXT),
                null, FaultMatrixTest.CONCURRENCY, FaultMatrixTest.READ_TIMEOUT_MS);
    }
}
