package dev.chartbridge.app.faults;

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
 * requests a minute; the simulator's clock is moved to a Sunday, and the gateway is told the office key's quota is
 * 120 at any hour, so the test behaves the same at any hour), which is why it gets few events: a quota hit costs
 * the rest of a 60 s window.
 */
final class AdvancedMdLane extends ChartLane {
    private static final String CHART_SYSTEM = "urn:example:advancedmd:chart";
    private final AdvancedMdSimulator sim;
    private final String passwordFile = FaultMatrixTest.secretFile("advancedmd", AdvancedMdSeed.PASSWORD);

    AdvancedMdLane() {
        this(AdvancedMdSimulator.builder().tier(RateTier.TIER_3).clock(sunday()).start());
    }

    private AdvancedMdLane(AdvancedMdSimulator sim) {
        super("advancedmd", sim, List.of("note", "condition"), 30, seeded(CHART_SYSTEM,
                        "urn:example:advancedmd:visit", List.of(AdvancedMdSeed.VISIT_MARIA_OPEN,
                                AdvancedMdSeed.VISIT_MARIO_OPEN, AdvancedMdSeed.VISIT_JAMES_OPEN),
                        List.of(AdvancedMdSeed.PATIENT_MARIA, AdvancedMdSeed.PATIENT_MARIO,
                                AdvancedMdSeed.PATIENT_JAMES)),
                Map.of("note", "ehrnote", "condition", "ehrproblem"), sim::records, true);
        this.sim = sim;
    }

    private static Clock sunday() {
        ZonedDateTime now = ZonedDateTime.now(ZoneOffset.UTC);
        ZonedDateTime noon = now.with(TemporalAdjusters.nextOrSame(DayOfWeek.SUNDAY)).withHour(18).withMinute(0);
        return Clock.offset(Clock.systemUTC(), Duration.between(now, noon));
    }

    @Override
    GatewayConfig.ConnectionConfig connection() {
        return new GatewayConfig.ConnectionConfig(target(), "advancedmd", sim.partnerLoginUrl(), null, null, null, null,
                AdvancedMdSeed.USERNAME, null, passwordFile, AdvancedMdSeed.OFFICE_KEY,
                Map.of("appName", AdvancedMdSeed.APP_NAME, "tier", "3", "requestsPerMinute", "120",
                        "mrnSystem", CHART_SYSTEM, "provider.1234567893", AdvancedMdSeed.PROVIDER_ADA),
                null, FaultMatrixTest.CONCURRENCY, FaultMatrixTest.READ_TIMEOUT_MS);
    }
}
