package dev.chartbridge.app.faults;

import org.hl7.fhir.r4.model.Resource;

import dev.chartbridge.simulators.Simulator;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;
import java.util.function.Function;

/**
 * A FHIR vendor reached with SMART backend auth (Epic, eClinicalWorks): the gateway's client is registered with
 * its JWKS URL and the least scopes for the lane's types, and allergies are stored with their reaction silently
 * dropped. Records are counted from the simulator's FHIR store.
 */
abstract class SmartFhirLane extends Lane {
    static final String CLIENT = "chartbridge-fault-matrix";
    private static final Map<String, String> RESOURCE = Map.of("vitals", "Observation", "note", "DocumentReference",
            "condition", "Condition", "allergy", "AllergyIntolerance", "medication-change", "MedicationRequest");

    private final BiConsumer<String, String[]> registerClient;
    private final Function<String, List<Resource>> resourcesForPatient;

    /**
     * @param registerClient      registers {@link #CLIENT} at the simulator with a JWKS URL and scopes
     * @param resourcesForPatient the simulator's stored resources (held ones too) of one of its patients
     */
    SmartFhirLane(String target, Simulator simulator, List<String> types, int events, List<Patient> patients,
                  BiConsumer<String, String[]> registerClient, Function<String, List<Resource>> resourcesForPatient) {
        super(target, simulator, types, events, patients);
        this.registerClient = registerClient;
        this.resourcesForPatient = resourcesForPatient;
    }

    @Override
    void gatewayStarted(int port) {
        List<String> scopes = new ArrayList<>(List.of("system/Patient.rs", "system/Encounter.rs"));
        types().forEach(t -> scopes.add("system/" + RESOURCE.get(t) + ".crs"));
        scopes.add("system/" + RESOURCE.get(droppedType()) + ".crs");
        registerClient.accept("http://127.0.0.1:" + port + "/.well-known/jwks.json", scopes.toArray(String[]::new));
    }

    @Override
    String droppedType() {
        return "allergy";
    }

    @Override
    void dropCriticalField() {
        simulator().faults().dropFields("AllergyIntolerance", "reaction");
    }

    @Override
    List<String> records(String eventType, Patient patient) {
        return resourcesForPatient.apply(patient.simulatorId()).stream()
                .filter(r -> r.fhirType().equals(RESOURCE.get(eventType))).map(r -> r.getIdElement().getIdPart())
                .toList();
    }
}
