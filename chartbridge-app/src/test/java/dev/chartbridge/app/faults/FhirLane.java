package dev.chartbridge.app.faults;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.chartbridge.app.config.GatewayConfig;
import dev.chartbridge.core.json.Json;
import dev.chartbridge.simulators.fhir.FhirSimulator;
import dev.chartbridge.simulators.fhir.SeedData;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The generic FHIR R4 target (issue #11): no auth, conditional create on the gateway's identifier, versioned
 * records. The matrix's faults reach its patient and encounter lookups too (503, 429, resets before commit are
 * not limited to writes): a lookup that fails for a while must defer the write, never end it. Allergies are
 * stored with their reaction silently dropped. Events are spread over 30 patients of the simulator's generated
 * population. Records are counted from the simulator's store.
 */
final class FhirLane extends Lane {
    private static final Map<String, String> RESOURCE = Map.of("vitals", "Observation", "note", "DocumentReference",
            "condition", "Condition", "allergy", "AllergyIntolerance", "follow-up-task", "Task");
    private final FhirSimulator sim;

    /** Patients of the simulator's generated population the events are spread over: each looked up under faults. */
    private static final int PATIENTS = 30;

    FhirLane() {
        this(FhirSimulator.start(0, PATIENTS));
    }

    private FhirLane(FhirSimulator sim) {
        super("fhir", sim, List.of("vitals", "note", "condition", "follow-up-task"), 300, population());
        this.sim = sim;
    }

    /**
     * Many patients rather than the three named ones: the adapter caches a patient's and an encounter's lookup for
     * minutes, so only many first lookups put lookups under the matrix's faults often enough to matter.
     */
    private static List<Patient> population() {
        List<Patient> out = new ArrayList<>();
        for (int i = 0; i < PATIENTS; i++) {
            String mrn = SeedData.populationMrn(i);
            out.add(new Patient(Json.MAPPER.createObjectNode().put("system", SeedData.MRN_SYSTEM).put("value", mrn),
                    Json.MAPPER.createObjectNode().put("system", SeedData.VISIT_SYSTEM)
                            .put("value", SeedData.populationVisit(i)), "pat-" + mrn));
        }
        return out;
    }

    @Override
    GatewayConfig.ConnectionConfig connection() {
        return GatewayConfig.ConnectionConfig.fhir(target(), sim.baseUrl(), FaultMatrixTest.CONCURRENCY,
                FaultMatrixTest.READ_TIMEOUT_MS);
    }

    /**
     * Notes are written by hand here: the matrix counts one record per write in the written type, and an
     * AI-assisted note's Provenance is a record of another type that it does not count (the Provenance itself is
     * checked without faults against HAPI JPA, {@code HapiJpaDeliveryTest}; under faults, not yet).
     */
    @Override
    void adapt(String eventType, ObjectNode event) {
        if (eventType.equals("note")) {
            event.putObject("provenance").put("aiAssisted", false);
        }
    }

    @Override
    String droppedType() {
        return "allergy";
    }

    @Override
    void dropCriticalField() {
        sim.faults().dropFields("AllergyIntolerance", "reaction");
    }

    @Override
    List<String> records(String eventType, Patient patient) {
        return sim.resourcesForPatient(patient.simulatorId()).stream()
                .filter(r -> r.fhirType().equals(RESOURCE.get(eventType))).map(r -> r.getIdElement().getIdPart())
                .toList();
    }
}
