package dev.chartbridge.core.intake;

import com.fasterxml.jackson.databind.JsonNode;
import dev.chartbridge.core.event.EventType;
import dev.chartbridge.core.event.Npi;
import dev.chartbridge.core.json.Field;
import dev.chartbridge.core.json.FieldError;
import dev.chartbridge.core.release.ReleaseControl;
import dev.chartbridge.core.release.ReleaseMode;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Reads a release setting ({@code target}, {@code eventType}, {@code mode}, {@code allowPatients},
 * {@code allowAuthors}, {@code otherwise}), reporting every invalid field by JSON pointer. The same rules serve the
 * admin API and the configuration file. Stateless and thread-safe.
 */
public final class ReleaseControlParser {
    private static final Set<String> MODES = Set.of("off", "shadow", "live");
    private static final int MAX_LISTED = 1000;

    private ReleaseControlParser() {
    }

    /** The setting, or null when any field is invalid (each problem added to {@code errors}). */
    public static ReleaseControl parse(JsonNode body, List<FieldError> errors) {
        int before = errors.size();
        Field root = Field.root(body, errors);
        if (!root.object(true, List.of("target", "eventType", "mode", "allowPatients", "allowAuthors",
                "otherwise"))) {
            return null;
        }
        String target = root.get("target").text(true, 200);
        String type = root.get("eventType").text(true, 64);
        if (type != null && EventType.fromWire(type).isEmpty()) {
            root.get("eventType").error("must be one of: " + EventType.allowedNames());
        }
        String mode = root.get("mode").oneOf(true, MODES);
        Set<String> patients = new LinkedHashSet<>();
        for (Field item : root.get("allowPatients").array(false, 0, MAX_LISTED)) {
            String token = item.text(true, 1300);
            int bar = token == null ? -1 : token.lastIndexOf('|');
            if (token != null && (bar <= 0 || bar == token.length() - 1)) {
                item.error("must be system|value of a patient identifier");
            }
            patients.add(token);
        }
        Set<String> authors = new LinkedHashSet<>();
        for (Field item : root.get("allowAuthors").array(false, 0, MAX_LISTED)) {
            String npi = item.text(true, 32);
            if (npi != null && !Npi.isValid(npi)) {
                item.error("must be a valid 10-digit NPI (check digit failed)");
            }
            authors.add(npi);
        }
        String otherwise = root.get("otherwise").oneOf(false, MODES);
        if (otherwise != null && patients.isEmpty() && authors.isEmpty()) {
            root.get("otherwise").error("applies only with allowPatients or allowAuthors");
        }
        if (errors.size() > before) {
            return null;
        }
        return new ReleaseControl(target, type, mode(mode), patients, authors,
                otherwise == null ? ReleaseMode.SHADOW : mode(otherwise));
    }

    private static ReleaseMode mode(String wire) {
        return ReleaseMode.parse(wire).orElseThrow();
    }
}
