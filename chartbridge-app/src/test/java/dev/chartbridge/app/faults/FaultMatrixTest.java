package dev.chartbridge.app.faults;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.chartbridge.app.ApiClient;
import dev.chartbridge.app.Gateway;
import dev.chartbridge.app.config.GatewayConfig;
import dev.chartbridge.core.delivery.OperationState;
import dev.chartbridge.core.testing.PostgresExtension;
import dev.chartbridge.simulators.FaultKind;
import org.junit.jupiter.api.Disabled;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue #5's fault matrix: over a thousand events spread over the five vendor simulators and the event types
 * each takes, every simulator losing answers after commit (20%), answering 503 (10%) and 429 (5%), resetting
 * connections before and after commit, and silently dropping a critical field of one record type (about 2% of
 * the events). Afterwards, counted from the simulators' side: no write exists twice, none is missing, and every
 * operation is terminal or waits in review with its reason. Prints the outcomes per vendor.
 */
class FaultMatrixTest {
    static final int CONCURRENCY = 8;
    static final long READ_TIMEOUT_MS = 500;
    private static final String KEY = "cbk_fault_matrix_key_0123456789";
    private static final Instant BASE = Instant.parse("2026-06-01T00:00:00Z");

    @RegisterExtension
    static PostgresExtension pg = new PostgresExtension();

    private record Sent(Lane lane, String type, Lane.Patient patient, String eventId) {
    }

    @Test
    @Disabled("unfinished (#5): its first run left 230 of the operations open after 150 s of draining and the"
            + " cause is not found yet (many 'lease lost during VERIFY' warnings from a single node); not a passing test")
    void a_thousand_events_under_faults_land_exactly_once_or_wait_in_review_with_a_reason() throws Exception {
        List<Lane> lanes = List.of(new EpicLane(), new AthenaLane(), new EcwLane(), new AdvancedMdLane(),
                new VeradigmLane());
        Instant started = Instant.now();
        try (Gateway gateway = Gateway.start(config(lanes))) {
            lanes.forEach(l -> l.gatewayStarted(gateway.port()));
            ApiClient api = new ApiClient(gateway.port(), KEY);
            Map<String, Integer> before = recordCounts(lanes);
            for (Lane lane : lanes) {
                injectFaults(lane);
            }
            List<Sent> sent = submitAll(api, lanes);
            drain(lanes, Instant.now().plusSeconds(150));
            Duration took = Duration.between(started, Instant.now());

            Map<String, List<OpRow>> ops = operations();
            report(lanes, sent, ops, took);
            lanes.forEach(l -> l.simulator().faults().clear());

            assertThat(sent).hasSizeGreaterThanOrEqualTo(1_000);
            assertEveryOperationEnded(sent, ops);
            assertEachWriteExistsOnce(lanes, sent, ops, before, recordCounts(lanes));
            assertDropsWentToReview(sent, ops);
            assertThat(pg.count("SELECT count(*) FROM outbox")).isZero();
        } finally {
            lanes.forEach(Lane::close);
        }
    }

    private static void injectFaults(Lane lane) {
        lane.simulator().faults().seed(lane.target().hashCode())
                .commitThenTimeout(0.20, READ_TIMEOUT_MS * 2)
                .errorRate(0.10, 503, null, false)
                .tooManyRequestsRate(0.05, 1, false)
                .commitThenReset(0.03)
                .resetBeforeCommit(0.03, false);
        lane.dropCriticalField();
    }

    private static List<Sent> submitAll(ApiClient api, List<Lane> lanes) {
        List<Sent> sent = new ArrayList<>();
        int n = 0;
        for (Lane lane : lanes) {
            for (int i = 0; i < lane.events(); i++, n++) {
                Lane.Patient patient = lane.patients().get(i % lane.patients().size());
                String type = lane.droppedType() != null && i % 23 == 7 ? lane.droppedType()
                        : lane.types().get((i / lane.patients().size()) % lane.types().size());
                ObjectNode event = MatrixEvents.event(type, n, lane.target(), patient, BASE);
                lane.adapt(type, event);
                ApiClient.Answer a = api.submit(event, "matrix-" + n);
                assertThat(a.status()).as("%s %s: %s", lane.target(), type, a.body()).isEqualTo(202);
                String id = a.body().get("id").asText();
                if (type.equals("medication-change")) {
                    assertThat(api.approve(id).status()).as("approval").isEqualTo(200);
                }
                sent.add(new Sent(lane, type, patient, id));
            }
        }
        return sent;
    }

    private static void drain(List<Lane> lanes, Instant deadline) throws InterruptedException {
        String open = "SELECT count(*) FROM write_operation WHERE state NOT IN (" + terminalStates() + ")";
        while (pg.count(open) > 0) {
            assertThat(Instant.now()).as("%d operations still open", pg.count(open)).isBefore(deadline);
            lanes.forEach(Lane::tick);
            Thread.sleep(250);
        }
    }

    private static String terminalStates() {
        return java.util.Arrays.stream(OperationState.values()).filter(OperationState::isTerminal)
                .map(s -> "'" + s.name() + "'").collect(Collectors.joining(", "));
    }

    record OpRow(OperationState state, String errorDetail, int sends) {
    }

    private static Map<String, List<OpRow>> operations() {
        return pg.jdbc().read(c -> {
            Map<String, List<OpRow>> byEvent = new TreeMap<>();
            try (var ps = c.prepareStatement("SELECT event_id, state, error_detail, sends FROM write_operation");
                 var rs = ps.executeQuery()) {
                while (rs.next()) {
                    byEvent.computeIfAbsent(rs.getString(1), k -> new ArrayList<>()).add(new OpRow(
                            OperationState.valueOf(rs.getString(2)), rs.getString(3), rs.getInt(4)));
                }
            }
            return byEvent;
        });
    }

    private static void assertEveryOperationEnded(List<Sent> sent, Map<String, List<OpRow>> ops) {
        for (Sent s : sent) {
            List<OpRow> rows = ops.get(s.eventId());
            assertThat(rows).as("event %s (%s %s) has its operations", s.eventId(), s.lane().target(), s.type())
                    .isNotEmpty();
            for (OpRow op : rows) {
                assertThat(op.state().isTerminal()).as("%s %s: %s", s.lane().target(), s.type(), op).isTrue();
                assertThat(op.state()).as("%s %s gave up: %s", s.lane().target(), s.type(), op)
                        .isNotIn(OperationState.DEAD, OperationState.REJECTED);
                if (op.state().needsReview()) {
                    assertThat(op.errorDetail()).as("%s %s in review without a reason", s.lane().target(), s.type())
                            .isNotBlank();
                }
            }
        }
    }

    /**
     * Per vendor, type and patient, the simulator holds exactly one new record per write the gateway reports
     * written: one more would be a duplicate, one fewer a lost write. A write in NEEDS_REVIEW (the gateway could not
     * tell whether it landed) may or may not have a record; each such write allows at most one.
     */
    private static void assertEachWriteExistsOnce(List<Lane> lanes, List<Sent> sent, Map<String, List<OpRow>> ops,
                                                  Map<String, Integer> before, Map<String, Integer> after) {
        Map<String, int[]> expected = new TreeMap<>();
        for (Sent s : sent) {
            int[] e = expected.computeIfAbsent(group(s.lane(), s.type(), s.patient()), k -> new int[2]);
            for (OpRow op : ops.get(s.eventId())) {
                if (op.state().isWritten()) {
                    e[0]++;
                } else if (op.state() == OperationState.NEEDS_REVIEW) {
                    e[1]++;
                }
            }
        }
        for (Map.Entry<String, int[]> e : expected.entrySet()) {
            int created = after.get(e.getKey()) - before.get(e.getKey());
            assertThat(created).as("%s: records the simulator holds (written %d, undetermined %d)", e.getKey(),
                    e.getValue()[0], e.getValue()[1])
                    .isBetween(e.getValue()[0], e.getValue()[0] + e.getValue()[1]);
        }
    }

    private static void assertDropsWentToReview(List<Sent> sent, Map<String, List<OpRow>> ops) {
        List<Sent> dropped = sent.stream().filter(s -> s.type().equals(s.lane().droppedType())).toList();
        assertThat(dropped).isNotEmpty();
        for (Sent s : dropped) {
            for (OpRow op : ops.get(s.eventId())) {
                if (op.state().isWritten()) {
                    assertThat(op.state()).as("%s %s", s.lane().target(), s.type()).isEqualTo(OperationState.MODIFIED);
                    assertThat(op.errorDetail()).startsWith("the EHR dropped or altered:");
                }
            }
        }
    }

    private static String group(Lane lane, String type, Lane.Patient patient) {
        return lane.target() + "/" + type + "/" + patient.simulatorId();
    }

    private static Map<String, Integer> recordCounts(List<Lane> lanes) {
        Map<String, Integer> counts = new TreeMap<>();
        for (Lane lane : lanes) {
            List<String> types = new ArrayList<>(lane.types());
            if (lane.droppedType() != null) {
                types.add(lane.droppedType());
            }
            for (String type : types) {
                for (Lane.Patient p : lane.patients()) {
                    counts.put(group(lane, type, p), lane.records(type, p));
                }
            }
        }
        return counts;
    }

    private static void report(List<Lane> lanes, List<Sent> sent, Map<String, List<OpRow>> ops, Duration took) {
        StringBuilder out = new StringBuilder(String.format("%nFault matrix: %d events, %d operations, drained in %.1f s%n",
                sent.size(), ops.values().stream().mapToInt(List::size).sum(), took.toMillis() / 1000.0));
        for (Lane lane : lanes) {
            Map<OperationState, Integer> states = new TreeMap<>();
            int events = 0;
            int sends = 0;
            for (Sent s : sent) {
                if (s.lane() == lane) {
                    events++;
                    for (OpRow op : ops.get(s.eventId())) {
                        states.merge(op.state(), 1, Integer::sum);
                        sends += op.sends();
                    }
                }
            }
            var st = lane.simulator().stats();
            out.append(String.format("  %-10s events %4d  sends %4d  outcomes %s  faults: lost-after-commit %d,"
                            + " 503 %d, 429 %d, reset-after-commit %d, reset-before %d%n", lane.target(), events, sends,
                    states, st.faults(FaultKind.COMMIT_THEN_TIMEOUT), st.faults(FaultKind.ERROR),
                    st.faults(FaultKind.TOO_MANY_REQUESTS), st.faults(FaultKind.COMMIT_THEN_RESET),
                    st.faults(FaultKind.RESET_BEFORE_COMMIT)));
        }
        System.out.print(out);
    }

    private static GatewayConfig config(List<Lane> lanes) {
        return new GatewayConfig(
                new GatewayConfig.DatabaseConfig(pg.url(), "postgres", null, null, null, 16),
                new GatewayConfig.HttpConfig("127.0.0.1", 0, null, null),
                new GatewayConfig.DeliveryConfig(10, 20L, 300L, 3_000L, 50L, true), "fault-matrix",
                new GatewayConfig.SecurityConfig(null, secretFile("master", null)),
                List.of(new GatewayConfig.TenantConfig("acme", "Acme",
                        List.of(new GatewayConfig.ApiKeyConfig("tests", null, secretFile("key", KEY))),
                        lanes.stream().map(Lane::connection).toList())));
    }

    /** A file holding {@code content} (or a path for the gateway to create, when null), removed at exit. */
    static String secretFile(String name, String content) {
        try {
            Path dir = Files.createTempDirectory("fault-matrix-" + name);
            dir.toFile().deleteOnExit();
            Path file = dir.resolve(name);
            if (content != null) {
                Files.writeString(file, content);
                file.toFile().deleteOnExit();
            }
            return file.toString();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

}
