package dev.chartbridge.ehr.athena;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.chartbridge.core.adapter.RemoteRef;
import dev.chartbridge.core.adapter.WriteContext;
import dev.chartbridge.core.event.ClinicalEvent;
import dev.chartbridge.core.event.EventParser;
import dev.chartbridge.core.event.ParseResult;
import dev.chartbridge.core.testing.Examples;
import dev.chartbridge.ehr.Connection;
import dev.chartbridge.simulators.RecordedRequest;
import dev.chartbridge.simulators.athena.AthenaSeed;
import dev.chartbridge.simulators.athena.AthenaSimulator;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/** Shared setup of the athenahealth adapter tests: the connection to the simulator, events of its seed, writes. */
final class AthenaFixture {
    static final String MARIA = AthenaSeed.PATIENT_MARIA;
    static final List<String> SUPPORTED = List.of("vitals", "note", "condition", "allergy", "medication-change");
    private static final EventParser PARSER = new EventParser(Clock.systemUTC());

    private AthenaFixture() {
    }

    /** The connection a tenant would configure for the simulator's practice and department. */
    static Connection connection(AthenaSimulator sim, Duration readTimeout) {
        return new Connection("athena", AthenaAdapter.VENDOR, origin(sim), sim.tokenUrl(), AthenaSeed.CLIENT_ID,
                AthenaSeed.CLIENT_SECRET, null, null, AthenaSeed.PRACTICE_ID,
                Map.of("departmentId", AthenaSeed.DEPARTMENT_ID, "mrnSystem", AthenaSeed.MRN_SYSTEM,
                        "mrnCustomFieldId", AthenaSeed.MRN_CUSTOM_FIELD_ID, "providerId.1234567893",
                        AthenaSeed.PROVIDER_ADA),
                Set.copyOf(SUPPORTED), 8, readTimeout);
    }

    static AthenaAdapter adapter(AthenaSimulator sim) {
        return new AthenaAdapter(connection(sim, Duration.ofSeconds(2)), null);
    }

    static String origin(AthenaSimulator sim) {
        return sim.tokenUrl().replace("/oauth2/v1/token", "");
    }

    /** The published example of {@code type} for Maria Garcia (MRN 1001) and her open encounter 45001. */
    static ObjectNode example(String type) {
        return example(type, "1001", AthenaSeed.ENCOUNTER_MARIA_OPEN);
    }

    static ObjectNode example(String type, String mrn, String encounterId) {
        ObjectNode e = Examples.load(type);
        e.putObject("patient").putArray("identifiers").addObject()
                .put("system", AthenaSeed.MRN_SYSTEM).put("value", mrn);
        e.putObject("encounter").putObject("identifier")
                .put("system", AthenaSettings.DEFAULT_ENCOUNTER_SYSTEM).put("value", encounterId);
        return e;
    }

    static ClinicalEvent parse(ObjectNode json) {
        ParseResult r = PARSER.parse(json);
        if (!r.isValid()) {
            throw new IllegalArgumentException("example does not parse: " + r.errors());
        }
        return r.event();
    }

    /** Parses with a clock a day ahead, so an {@code occurredAt} in the next hours is accepted. */
    static ClinicalEvent parseLenient(ObjectNode json) {
        ParseResult r = new EventParser(Clock.offset(Clock.systemUTC(), Duration.ofDays(1))).parse(json);
        if (!r.isValid()) {
            throw new IllegalArgumentException("example does not parse: " + r.errors());
        }
        return r.event();
    }

    static WriteContext write(ClinicalEvent event, int part) {
        return new WriteContext(UUID.randomUUID(), "op-" + UUID.randomUUID(), "acme", "athena", event, part,
                AthenaMapping.kind(event), null);
    }

    static WriteContext write(String type) {
        return write(parse(example(type)), 0);
    }

    static WriteContext at(WriteContext w, RemoteRef remote) {
        return new WriteContext(w.operationId(), w.operationKey(), w.tenantId(), w.target(), w.event(), w.part(),
                w.resourceType(), remote);
    }

    /** The requests that reached the practice's chart API with this method, oldest first. */
    static List<RecordedRequest> chartRequests(AthenaSimulator sim, String method) {
        return sim.stats().journal().matching(method, "/v1/" + AthenaSeed.PRACTICE_ID + "/chart")
                .stream().toList();
    }

    /** Writes (POST or PUT) that reached the practice's API. */
    static long posts(AthenaSimulator sim) {
        return writes(sim).size();
    }

    static List<RecordedRequest> writes(AthenaSimulator sim) {
        return sim.stats().journal().all().stream()
                .filter(r -> !r.method().equals("GET") && r.pathAndQuery().startsWith("/v1/")).toList();
    }
}
