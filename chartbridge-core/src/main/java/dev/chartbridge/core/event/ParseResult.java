package dev.chartbridge.core.event;

import dev.chartbridge.core.event.ClinicalEvent;
import dev.chartbridge.core.json.FieldError;

import java.util.List;

/** Either a valid event or the list of every invalid field; never both. */
public record ParseResult(ClinicalEvent event, List<FieldError> errors) {
    static ParseResult valid(ClinicalEvent event) {
        return new ParseResult(event, List.of());
    }

    static ParseResult invalid(List<FieldError> errors) {
        return new ParseResult(null, List.copyOf(errors));
    }

    public boolean isValid() {
        return event != null;
    }
}
