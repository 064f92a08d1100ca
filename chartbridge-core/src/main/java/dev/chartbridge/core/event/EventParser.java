package dev.chartbridge.core.event;

import com.fasterxml.jackson.databind.JsonNode;
import dev.chartbridge.core.event.AllergyPayload;
import dev.chartbridge.core.event.Attestation;
import dev.chartbridge.core.event.Author;
import dev.chartbridge.core.event.AuthorRole;
import dev.chartbridge.core.event.ClinicalEvent;
import dev.chartbridge.core.event.Coding;
import dev.chartbridge.core.event.ConditionPayload;
import dev.chartbridge.core.event.ConsentPayload;
import dev.chartbridge.core.event.EventType;
import dev.chartbridge.core.event.FollowUpTaskPayload;
import dev.chartbridge.core.event.Identifier;
import dev.chartbridge.core.event.Measurement;
import dev.chartbridge.core.event.MedicationChangePayload;
import dev.chartbridge.core.event.NotePayload;
import dev.chartbridge.core.event.NoteType;
import dev.chartbridge.core.event.Payload;
import dev.chartbridge.core.event.Provenance;
import dev.chartbridge.core.event.VitalKind;
import dev.chartbridge.core.event.VitalsPayload;
import dev.chartbridge.core.json.Field;
import dev.chartbridge.core.json.FieldError;

import java.math.BigDecimal;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * Reads a canonical event (schema version 1) from its JSON tree and reports every invalid field at once. The
 * rules here are those of the published JSON Schema ({@code schemas/v1/clinical-event.schema.json}) plus what a
 * schema cannot say: NPI check digits, dates in the future, unit per vital kind. Thread-safe (stateless).
 */
public final class EventParser {
    /** How far in the future {@code occurredAt} may be, for clock skew between the app and the gateway. */
    static final Duration FUTURE_TOLERANCE = Duration.ofMinutes(5);
    static final int MAX_NOTE_CHARS = 512 * 1024;

    private static final Pattern UUID_TEXT = Pattern.compile(
            "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");
    private static final Pattern TRANSCRIPT_HASH = Pattern.compile("sha256:[0-9a-f]{64}");
    private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9-]{0,62}");
    private static final Pattern URI_LIKE = Pattern.compile("[A-Za-z][A-Za-z0-9+.-]*:\\S{1,1000}");
    private static final Set<String> CONDITION_SYSTEMS = Set.of(Coding.SNOMED, Coding.ICD10CM);
    private static final Set<String> SUBSTANCE_SYSTEMS = Set.of(Coding.RXNORM, Coding.SNOMED, Coding.UNII);
    private static final Set<String> ROUTES = Set.of("oral", "sublingual", "intravenous", "intramuscular",
            "subcutaneous", "topical", "transdermal", "inhalation", "nasal", "rectal", "ophthalmic", "otic");
    private static final Set<String> FREQUENCIES = Set.of("QD", "BID", "TID", "QID", "Q4H", "Q6H", "Q8H", "Q12H",
            "QHS", "QAM", "QWK", "PRN", "ONCE");
    /** UCUM codes of the dose units a medication change may use; anything else would be charted as free text. */
    private static final Set<String> DOSE_UNITS = Set.of("mg", "ug", "g", "mL", "L", "[iU]", "U", "meq", "mmol",
            "%", "{tablet}", "{capsule}", "{puff}", "{drop}", "{patch}", "{spray}");
    private static final BigDecimal MAX_VITAL = new BigDecimal("100000");
    private static final BigDecimal MAX_DOSE = new BigDecimal("1000000");

    private final Clock clock;

    public EventParser(Clock clock) {
        this.clock = clock;
    }

    /** The event, or every problem found in it. */
    public ParseResult parse(JsonNode body) {
        List<FieldError> errors = new ArrayList<>();
        Field root = Field.root(body, errors);
        if (!root.object(true, List.of("schemaVersion", "type", "tenant", "patient", "encounter", "author",
                "occurredAt", "targets", "payload", "provenance", "amends"))) {
            return ParseResult.invalid(errors);
        }
        String version = root.get("schemaVersion").oneOf(true, Set.of(ClinicalEvent.SCHEMA_VERSION));
        EventType type = eventType(root.get("type"));
        String tenant = root.get("tenant").matching(false, NAME, "a tenant id (lower case letters, digits, -)");
        List<Identifier> patient = patient(root.get("patient"));
        Identifier encounter = encounter(root.get("encounter"));
        Author author = author(root.get("author"));
        Instant occurredAt = notInFuture(root.get("occurredAt"));
        List<String> targets = targets(root.get("targets"));
        Payload payload = type == null ? null : payload(type, root.get("payload"));
        Provenance provenance = provenance(root.get("provenance"));
        UUID amends = amends(root.get("amends"), type);
        if (!errors.isEmpty()) {
            return ParseResult.invalid(errors);
        }
        return ParseResult.valid(new ClinicalEvent(version, type, tenant, patient, encounter, author, occurredAt,
                targets, payload, provenance, amends));
    }

    /** The event types whose records an amendment may change. */
    public static final Set<EventType> AMENDABLE = Set.of(EventType.FOLLOW_UP_TASK, EventType.NOTE,
            EventType.CONDITION, EventType.MEDICATION_CHANGE);

    private static UUID amends(Field f, EventType type) {
        String id = f.matching(false, UUID_TEXT, "an event id (UUID) returned by POST /v1/events");
        if (id == null) {
            return null;
        }
        if (type != null && !AMENDABLE.contains(type)) {
            f.error("a " + type.wireName() + " event cannot amend an earlier one (amendable types: "
                    + String.join(", ", AMENDABLE.stream().map(EventType::wireName).sorted().toList()) + ")");
            return null;
        }
        return UUID.fromString(id);
    }

    /** Reads an approval of a held write: {@code approverNpi}, {@code role}, {@code statement}. */
    public static Approval approval(JsonNode body, List<FieldError> errors) {
        Field root = Field.root(body, errors);
        if (!root.object(true, List.of("approverNpi", "role", "statement"))) {
            return null;
        }
        String npi = npi(root.get("approverNpi"), true);
        Set<String> roles = new HashSet<>();
        Arrays.stream(AuthorRole.values()).forEach(r -> roles.add(r.wireName()));
        String role = root.get("role").oneOf(true, roles);
        String statement = root.get("statement").text(true, 2000);
        if (npi == null || role == null || statement == null) {
            return null;
        }
        return new Approval(npi,
                AuthorRole.valueOf(role.toUpperCase().replace('-', '_')), statement);
    }

    private static EventType eventType(Field f) {
        String name = f.text(true);
        if (name == null) {
            return null;
        }
        return EventType.fromWire(name).orElseGet(() -> {
            f.error("must be one of: " + EventType.allowedNames());
            return null;
        });
    }

    private static List<Identifier> patient(Field f) {
        if (!f.object(true, List.of("identifiers"))) {
            return null;
        }
        List<Identifier> ids = new ArrayList<>();
        for (Field item : f.get("identifiers").array(true, 1, 10)) {
            ids.add(identifier(item, true));
        }
        return ids;
    }

    private static Identifier encounter(Field f) {
        if (!f.object(false, List.of("identifier"))) {
            return null;
        }
        return identifier(f.get("identifier"), true);
    }

    private static Identifier identifier(Field f, boolean required) {
        if (!f.object(required, List.of("system", "value"))) {
            return null;
        }
        String system = f.get("system").matching(true, URI_LIKE, "a URI such as urn:oid:1.2.3 or https://...");
        String value = f.get("value").text(true, 256);
        return new Identifier(system, value);
    }

    private static Author author(Field f) {
        if (!f.object(true, List.of("npi", "role", "name"))) {
            return null;
        }
        String npi = npi(f.get("npi"), true);
        Set<String> roles = new HashSet<>();
        Arrays.stream(AuthorRole.values()).forEach(r -> roles.add(r.wireName()));
        String role = f.get("role").oneOf(true, roles);
        String name = f.get("name").text(false, 200);
        return new Author(npi, role == null ? null : AuthorRole.valueOf(role.toUpperCase().replace('-', '_')), name);
    }

    private static String npi(Field f, boolean required) {
        String npi = f.text(required, 32);
        if (npi != null && !Npi.isValid(npi)) {
            f.error("must be a valid 10-digit NPI (check digit failed)");
            return null;
        }
        return npi;
    }

    private Instant notInFuture(Field f) {
        Instant at = f.instant(true);
        if (at != null && at.isAfter(clock.instant().plus(FUTURE_TOLERANCE))) {
            f.error("must not be in the future");
            return null;
        }
        return at;
    }

    private static List<String> targets(Field f) {
        List<String> targets = new ArrayList<>();
        for (Field item : f.array(true, 1, 10)) {
            String name = item.matching(true, NAME, "a connection name (lower case letters, digits, -)");
            if (name != null && targets.contains(name)) {
                item.error("names a target already listed");
            } else if (name != null) {
                targets.add(name);
            }
        }
        return targets;
    }

    private Payload payload(EventType type, Field f) {
        return switch (type) {
            case VITALS -> vitals(f);
            case NOTE -> note(f);
            case CONDITION -> condition(f);
            case ALLERGY -> allergy(f);
            case MEDICATION_CHANGE -> medicationChange(f);
            case FOLLOW_UP_TASK -> followUpTask(f);
            case CONSENT -> consent(f);
        };
    }

    private static VitalsPayload vitals(Field f) {
        if (!f.object(true, List.of("measurements"))) {
            return null;
        }
        List<Measurement> measurements = new ArrayList<>();
        for (Field m : f.get("measurements").array(true, 1, 20)) {
            measurements.add(measurement(m));
        }
        return new VitalsPayload(measurements);
    }

    private static Measurement measurement(Field m) {
        if (!m.object(true, List.of("kind", "value", "systolic", "diastolic", "unit"))) {
            return null;
        }
        Field kindField = m.get("kind");
        String kindName = kindField.text(true);
        VitalKind kind = kindName == null ? null : VitalKind.fromWire(kindName).orElse(null);
        if (kindName != null && kind == null) {
            kindField.error("must be one of: " + VitalKind.allowedNames());
        }
        String unit = m.get("unit").text(true, 32);
        if (kind == null) {
            return null;
        }
        if (unit != null && !kind.units().contains(unit)) {
            m.get("unit").error("must be a UCUM unit accepted for " + kind.wireName() + ": "
                    + String.join(", ", kind.units()));
        }
        if (kind == VitalKind.BLOOD_PRESSURE) {
            rejectPresent(m.get("value"), "is not used for blood-pressure: give systolic and diastolic");
            BigDecimal systolic = m.get("systolic").positive(true, MAX_VITAL);
            BigDecimal diastolic = m.get("diastolic").positive(true, MAX_VITAL);
            if (systolic != null && diastolic != null && diastolic.compareTo(systolic) >= 0) {
                m.get("diastolic").error("must be lower than systolic");
            }
            return new Measurement(kind, null, systolic, diastolic, unit);
        }
        rejectPresent(m.get("systolic"), "is only used for blood-pressure");
        rejectPresent(m.get("diastolic"), "is only used for blood-pressure");
        BigDecimal value = m.get("value").positive(true, MAX_VITAL);
        if (kind == VitalKind.OXYGEN_SATURATION && value != null && value.compareTo(BigDecimal.valueOf(100)) > 0) {
            m.get("value").error("must be at most 100 (%)");
        }
        return new Measurement(kind, value, null, null, unit);
    }

    private static void rejectPresent(Field f, String why) {
        if (f.present()) {
            f.error(why);
        }
    }

    private static NotePayload note(Field f) {
        if (!f.object(true, List.of("noteType", "title", "status", "text", "signedAt"))) {
            return null;
        }
        Field typeField = f.get("noteType");
        String typeName = typeField.text(true);
        NoteType noteType = typeName == null ? null : NoteType.fromWire(typeName).orElse(null);
        if (typeName != null && noteType == null) {
            typeField.error("must be one of: " + NoteType.allowedNames());
        }
        String title = f.get("title").text(false, 200);
        String status = f.get("status").oneOf(true, Set.of("final", "preliminary"));
        String text = f.get("text").text(true, MAX_NOTE_CHARS);
        Instant signedAt = f.get("signedAt").instant("final".equals(status));
        return new NotePayload(noteType, title, status, text, signedAt);
    }

    private static ConditionPayload condition(Field f) {
        if (!f.object(true, List.of("code", "clinicalStatus", "verificationStatus", "onset", "note"))) {
            return null;
        }
        Coding code = coding(f.get("code"), CONDITION_SYSTEMS);
        String clinical = f.get("clinicalStatus").oneOf(true,
                Set.of("active", "recurrence", "relapse", "inactive", "remission", "resolved"));
        String verification = f.get("verificationStatus").oneOf(true,
                Set.of("unconfirmed", "provisional", "differential", "confirmed", "refuted"));
        LocalDate onset = f.get("onset").date(false);
        String note = f.get("note").text(false, 4000);
        return new ConditionPayload(code, clinical, verification, onset, note);
    }

    private static AllergyPayload allergy(Field f) {
        if (!f.object(true, List.of("substance", "clinicalStatus", "verificationStatus", "criticality",
                "reactions"))) {
            return null;
        }
        Coding substance = coding(f.get("substance"), SUBSTANCE_SYSTEMS);
        String clinical = f.get("clinicalStatus").oneOf(true, Set.of("active", "inactive", "resolved"));
        String verification = f.get("verificationStatus").oneOf(true, Set.of("unconfirmed", "confirmed"));
        String criticality = f.get("criticality").oneOf(false, Set.of("low", "high", "unable-to-assess"));
        List<AllergyPayload.Reaction> reactions = new ArrayList<>();
        for (Field r : f.get("reactions").array(false, 0, 20)) {
            if (r.object(true, List.of("manifestation", "severity"))) {
                reactions.add(new AllergyPayload.Reaction(coding(r.get("manifestation"), Set.of(Coding.SNOMED)),
                        r.get("severity").oneOf(false, Set.of("mild", "moderate", "severe"))));
            }
        }
        return new AllergyPayload(substance, clinical, verification, criticality, reactions);
    }

    private static MedicationChangePayload medicationChange(Field f) {
        if (!f.object(true, List.of("action", "medication", "dose", "route", "frequency", "reason"))) {
            return null;
        }
        String action = f.get("action").oneOf(true, Set.of("start", "change", "stop"));
        Coding medication = coding(f.get("medication"), Set.of(Coding.RXNORM));
        if (medication != null && medication.code() != null && !medication.code().matches("\\d{1,10}")) {
            f.get("medication").get("code").error("must be an RxNorm concept id (digits)");
        }
        boolean dosed = !"stop".equals(action);
        Field dose = f.get("dose");
        BigDecimal doseValue = null;
        String doseUnit = null;
        if (dose.object(dosed, List.of("value", "unit"))) {
            doseValue = dose.get("value").positive(true, MAX_DOSE);
            doseUnit = dose.get("unit").oneOf(true, DOSE_UNITS);
        }
        String route = f.get("route").oneOf(dosed, ROUTES);
        String frequency = f.get("frequency").oneOf(dosed, FREQUENCIES);
        String reason = f.get("reason").text(false, 1000);
        return new MedicationChangePayload(action, medication, doseValue, doseUnit, route, frequency, reason);
    }

    private static FollowUpTaskPayload followUpTask(Field f) {
        if (!f.object(true, List.of("description", "dueDate", "priority", "ownerNpi", "status"))) {
            return null;
        }
        String description = f.get("description").text(true, 4000);
        LocalDate due = f.get("dueDate").date(false);
        String priority = f.get("priority").oneOf(true, Set.of("routine", "urgent", "asap", "stat"));
        String owner = npi(f.get("ownerNpi"), false);
        String status = f.get("status").oneOf(false, Set.of(FollowUpTaskPayload.REQUESTED, "in-progress",
                "completed", "cancelled"));
        return new FollowUpTaskPayload(description, due, priority, owner,
                status == null ? FollowUpTaskPayload.REQUESTED : status);
    }

    private static ConsentPayload consent(Field f) {
        if (!f.object(true, List.of("status", "scope", "decision", "period", "jurisdiction"))) {
            return null;
        }
        String status = f.get("status").oneOf(true, Set.of("active", "inactive", "rejected"));
        String scope = f.get("scope").oneOf(true, Set.of("patient-privacy", "treatment", "research"));
        String decision = f.get("decision").oneOf(true, Set.of("permit", "deny"));
        Field period = f.get("period");
        LocalDate start = null;
        LocalDate end = null;
        if (period.object(true, List.of("start", "end"))) {
            start = period.get("start").date(true);
            end = period.get("end").date(false);
            if (start != null && end != null && end.isBefore(start)) {
                period.get("end").error("must not be before start");
            }
        }
        String jurisdiction = f.get("jurisdiction").matching(false, Pattern.compile("[A-Z]{2}(-[A-Z0-9]{1,3})?"),
                "an ISO 3166 code such as US or US-CA");
        return new ConsentPayload(status, scope, decision, start, end, jurisdiction);
    }

    private static Coding coding(Field f, Set<String> systems) {
        if (!f.object(true, List.of("system", "code", "display"))) {
            return null;
        }
        String system = f.get("system").oneOf(true, systems);
        String code = f.get("code").text(true, 64);
        String display = f.get("display").text(false, 500);
        return new Coding(system, code, display);
    }

    private static Provenance provenance(Field f) {
        if (!f.object(true, List.of("aiAssisted", "transcriptHash", "model", "promptVersion", "edits",
                "attestation"))) {
            return null;
        }
        Boolean ai = f.get("aiAssisted").bool(true);
        boolean required = Boolean.TRUE.equals(ai);
        String hash = f.get("transcriptHash").matching(required, TRANSCRIPT_HASH, "sha256: followed by 64 hex digits");
        String model = f.get("model").text(required, 200);
        String prompt = f.get("promptVersion").text(required, 200);
        Integer edits = f.get("edits").integer(required, 0, 1_000_000);
        Attestation attestation = null;
        Field att = f.get("attestation");
        if (att.object(required, List.of("byNpi", "at", "statement"))) {
            attestation = new Attestation(npi(att.get("byNpi"), true), att.get("at").instant(true),
                    att.get("statement").text(true, 2000));
        } else if (required && !att.present()) {
            return null;
        }
        return new Provenance(Boolean.TRUE.equals(ai), hash, model, prompt, edits, attestation);
    }
}
