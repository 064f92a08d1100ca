package dev.chartbridge.core.event;

import java.util.List;

/** A set of vital-sign measurements taken together; each becomes its own observation. */
public record VitalsPayload(List<Measurement> measurements) implements Payload {
    @Override
    public int parts() {
        return measurements.size();
    }
}
