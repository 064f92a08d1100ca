package dev.chartbridge.app.faults;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.chartbridge.simulators.Simulator;
import dev.chartbridge.simulators.vendorkit.ChartStore;

import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;

/**
 * A vendor that keeps no identifiers of the gateway's (athenahealth, AdvancedMD, Veradigm): a lost answer is
 * found by content. Records are read from the simulator's chart store, by the vendor's record kind per event type.
 */
abstract class ChartLane extends Lane {
    private final Map<String, String> kinds;
    private final BiFunction<String, String, List<ChartStore.Entry>> chart;
    private final boolean confirmedProblemsOnly;

    /**
     * @param kinds                 the vendor's record kind of each event type
     * @param chart                 the simulator's records of a kind for one of its patients
     * @param confirmedProblemsOnly the vendor files only confirmed problems: conditions are sent confirmed
     */
    ChartLane(String target, Simulator simulator, List<String> types, int events, List<Patient> patients,
              Map<String, String> kinds, BiFunction<String, String, List<ChartStore.Entry>> chart,
              boolean confirmedProblemsOnly) {
        super(target, simulator, types, events, patients);
        this.kinds = Map.copyOf(kinds);
        this.chart = chart;
        this.confirmedProblemsOnly = confirmedProblemsOnly;
    }

    /** Whether {@code entry} counts as the record of a write (a write may be stored as several entries). */
    boolean countsAsWrite(ChartStore.Entry entry) {
        return true;
    }

    @Override
    List<String> records(String eventType, Patient patient) {
        return chart.apply(kinds.get(eventType), patient.simulatorId()).stream().filter(this::countsAsWrite)
                .map(ChartStore.Entry::id).toList();
    }

    @Override
    void adapt(String eventType, ObjectNode event) {
        if (confirmedProblemsOnly && eventType.equals("condition")) {
            event.with("payload").put("verificationStatus", "confirmed");
        }
    }
}
