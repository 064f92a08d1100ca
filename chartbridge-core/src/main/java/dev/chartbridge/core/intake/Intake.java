package dev.chartbridge.core.intake;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.chartbridge.core.adapter.Target;
import dev.chartbridge.core.adapter.Targets;
import dev.chartbridge.core.adapter.WritePlan;
import dev.chartbridge.core.audit.AuditLog;
import dev.chartbridge.core.event.ClinicalEvent;
import dev.chartbridge.core.event.EventParser;
import dev.chartbridge.core.event.EventType;
import dev.chartbridge.core.event.Identifier;
import dev.chartbridge.core.event.MedicationChangePayload;
import dev.chartbridge.core.event.ParseResult;
import dev.chartbridge.core.formulary.FormularyDecision;
import dev.chartbridge.core.gate.BreakGlass;
import dev.chartbridge.core.gate.Gate;
import dev.chartbridge.core.gate.GateOverride;
import dev.chartbridge.core.json.CanonicalJson;
import dev.chartbridge.core.json.FieldError;
import dev.chartbridge.core.json.Json;
import dev.chartbridge.core.settings.TenantSettingsCache;
import dev.chartbridge.core.store.Jdbc;
import dev.chartbridge.core.tenant.TenantPolicy;
import dev.chartbridge.core.trace.Traces;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * Takes a submitted event: parses and validates it, applies the safety gates, plans its writes per target, and
 * stores the event, its operations, their queue rows and the audit entries in one transaction ({@link
 * IntakeStore}). Either all of that is stored or none of it. A gate's refusal is audited in its own transaction;
 * a gate overridden by break-glass is audited with the event. Thread-safe.
 */
public final class Intake {
    /** Tries against settings changing under each (an administrator's script in a loop) before giving up. */
    private static final int MAX_STALE_RETRIES = 10;
    /** Group transactions at once by default: enough to keep a small database's cores busy between round trips. */
    public static final int DEFAULT_INTAKE_TRANSACTIONS = 4;
    /** The most events one group transaction stores. */
    private static final int MAX_GROUP = 32;
    private final Jdbc jdbc;
    private final Targets targets;
    private final EventParser parser;
    private final MeterRegistry registry;
    private final Function<String, TenantPolicy> policies;
    private final TenantSettingsCache settings;
    private final GroupCommit groups;

    /**
     * Intake with a cache of tenants' settings of its own that no listener refreshes: every change of a tenant's
     * settings is found at the tenant's next acceptance (its insert refuses a stale copy), and costs that
     * acceptance a second try.
     */
    public Intake(Jdbc jdbc, Targets targets, Clock clock, MeterRegistry registry,
                  Function<String, TenantPolicy> policies) {
        this(jdbc, targets, clock, registry, policies, new TenantSettingsCache(jdbc));
    }

    /** @param settings the tenants' release controls and webhooks, kept current by a {@code TenantSettingsListener} */
    public Intake(Jdbc jdbc, Targets targets, Clock clock, MeterRegistry registry,
                  Function<String, TenantPolicy> policies, TenantSettingsCache settings) {
        this(jdbc, targets, clock, registry, policies, settings, DEFAULT_INTAKE_TRANSACTIONS);
    }

    /**
     * @param intakeTransactions how many transactions storing groups of concurrent events may run at once (group
     *                           commit): events that arrive while all are busy are stored together by the next one
     *                           free
     */
    public Intake(Jdbc jdbc, Targets targets, Clock clock, MeterRegistry registry,
                  Function<String, TenantPolicy> policies, TenantSettingsCache settings, int intakeTransactions) {
        this.groups = new GroupCommit(jdbc, intakeTransactions, MAX_GROUP, registry);
        this.jdbc = jdbc;
        this.policies = policies;
        this.targets = targets;
        this.parser = new EventParser(clock);
        this.registry = registry;
        this.settings = settings;
    }

    /**
     * @param idempotencyKey the caller's key, or null: then the body's canonical hash serves as the key, so an
     *                       identical resubmission is recognised as the same event
     */
    public IntakeResult submit(String tenantId, String actor, String idempotencyKey, byte[] body) {
        return submit(tenantId, actor, idempotencyKey, body, null, null);
    }

    /**
     * @param boundPatient the patient the caller acts for, when its user's session is bound to one (SMART launch
     *                     context): an event for any other patient is refused and audited; null when unbound
     * @param breakGlass   gates the event's author asks to override, with the reason; null for none
     */
    public IntakeResult submit(String tenantId, String actor, String idempotencyKey, byte[] body,
                               Identifier boundPatient, BreakGlass breakGlass) {
        IntakeResult result;
        // The span the event is accepted under: its traceparent is stored with the event (IntakeStore).
        Span span = Traces.start("chartbridge.intake", SpanKind.INTERNAL, Context.current());
        try (Scope ignored = span.makeCurrent()) {
            span.setAttribute("chartbridge.tenant", tenantId);
            result = decide(tenantId, actor, idempotencyKey, body, boundPatient, breakGlass);
            span.setAttribute("chartbridge.intake.outcome", outcomeName(result));
            if (result instanceof IntakeResult.Accepted a) {
                span.setAttribute("chartbridge.event.id", a.eventId().toString());
            }
        } finally {
            span.end();
        }
        Counter.builder("chartbridge.events").description("Submitted events by intake outcome")
                .tag("outcome", outcomeName(result)).register(registry).increment();
        if (result instanceof IntakeResult.Accepted a && a.replay()) {
            // Labelled like the delivery engine's suppressions; a replay is the tenant's, not one connection's.
            Counter.builder("chartbridge.idempotency.suppressions").description("Writes not sent again because the"
                            + " EHR was found holding them, or events not accepted twice (replays)")
                    .tag("tenant", tenantId).tag("connection", "*").tag("vendor", "*").tag("kind", "replayed")
                    .register(registry).increment();
        }
        return result;
    }

    private static String outcomeName(IntakeResult result) {
        if (result instanceof IntakeResult.Accepted a) {
            return a.replay() ? "replayed" : "accepted";
        }
        if (result instanceof IntakeResult.Invalid) {
            return "invalid";
        }
        if (result instanceof IntakeResult.Unsupported) {
            return "unsupported";
        }
        if (result instanceof IntakeResult.Refused) {
            return "refused";
        }
        if (result instanceof IntakeResult.InvalidAmendment) {
            return "invalid-amendment";
        }
        if (result instanceof IntakeResult.KeyReused) {
            return "key-reused";
        }
        return result instanceof IntakeResult.DuplicateContent ? "duplicate-content" : "wrong-tenant";
    }

    private IntakeResult decide(String tenantId, String actor, String idempotencyKey, byte[] body,
                                Identifier boundPatient, BreakGlass breakGlass) {
        List<FieldError> errors = new ArrayList<>();
        JsonNode tree = Json.parse(body, errors);
        if (tree == null) {
            return new IntakeResult.Invalid(errors);
        }
        // One pass gives the body's canonical text (stored, hashed) and its payload's (in the operation keys).
        CanonicalJson.Text canonical = CanonicalJson.write(tree, "payload");
        String bodyHash = Json.sha256(canonical.text());
        String key = idempotencyKey != null ? idempotencyKey : "body:" + bodyHash;
        Decision d = evaluate(tenantId, actor, key, bodyHash, canonical, tree, boundPatient, breakGlass);
        if (d.result() instanceof IntakeResult.Accepted) {
            // A replay accepted earlier is found by the acceptance's own insert (its key is taken): no statement
            // spent looking before (issue #17).
            return d.result();
        }
        // The key before any other answer: a replay gets the original answer whatever changed since (consent
        // withdrawn, a release control turned off, the amended record amended by this very event), and nothing is
        // audited. Looked up only now, so that an acceptance, by far the most frequent answer, costs no lookup.
        IntakeResult earlier = jdbc.read(c -> IntakeStore.earlier(c, tenantId, key, bodyHash));
        if (earlier != null) {
            return earlier;
        }
        if (d.result() instanceof IntakeResult.Refused r) {
            auditRefusal(tenantId, actor, d.event(), r);
        }
        return d.result();
    }

    /** An answer, with the event it is about when the event could be read (a refusal's audit entry names its type). */
    private record Decision(IntakeResult result, ClinicalEvent event) {
        static Decision of(IntakeResult result) {
            return new Decision(result, null);
        }
    }

    /** Everything but the look at the key: validation, gates, the plan per target, and the transaction. */
    private Decision evaluate(String tenantId, String actor, String key, String bodyHash, CanonicalJson.Text canonical,
                              JsonNode tree, Identifier boundPatient, BreakGlass breakGlass) {
        ParseResult parsed = parser.parse(tree);
        if (!parsed.isValid()) {
            return Decision.of(new IntakeResult.Invalid(parsed.errors()));
        }
        ClinicalEvent event = parsed.event();
        if (event.tenant() != null && !event.tenant().equals(tenantId)) {
            return Decision.of(new IntakeResult.WrongTenant(event.tenant()));
        }
        TenantPolicy policy = policies.apply(tenantId);
        BreakGlassCheck glass = new BreakGlassCheck(breakGlass, policy, event);
        if (boundPatient != null && !event.patientIdentifiers().contains(boundPatient)) {
            FieldError refused = glass.overrideOrRefuse(Gate.PATIENT_CONTEXT, new FieldError("/patient/identifiers",
                    "does not name the patient this caller is bound to (X-Patient-Context)"));
            if (refused != null) {
                return new Decision(new IntakeResult.Refused(List.of(refused)), event);
            }
        }
        if (event.type() == EventType.MEDICATION_CHANGE) {
            FieldError refused = medicationGates(event, policy);
            if (refused != null) {
                return new Decision(new IntakeResult.Refused(List.of(refused)), event);
            }
        }
        List<IntakeStore.PlannedTarget> plan = new ArrayList<>();
        List<FieldError> unknown = new ArrayList<>();
        List<FieldError> refused = new ArrayList<>();
        for (int i = 0; i < event.targets().size(); i++) {
            String name = event.targets().get(i);
            Target target = targets.find(tenantId, name).orElse(null);
            if (target == null) {
                unknown.add(new FieldError("/targets/" + i, "is not an EHR connection of tenant " + tenantId));
                continue;
            }
            WritePlan writes = event.isAmendment() ? target.adapter().planUpdate(event) : target.adapter().plan(event);
            if (writes.isRefused()) {
                refused.add(new FieldError("/targets/" + i, target.adapter().vendor() + " cannot "
                        + (event.isAmendment() ? "update" : "take") + " a " + event.type().wireName() + " event: "
                        + writes.refusal()));
            } else {
                plan.add(new IntakeStore.PlannedTarget(i, target, writes));
            }
        }
        if (!unknown.isEmpty()) {
            return Decision.of(new IntakeResult.Invalid(unknown));
        }
        if (!refused.isEmpty()) {
            return Decision.of(new IntakeResult.Unsupported(refused));
        }
        IntakeResult result = store(new IntakeStore.Submission(tenantId, actor, key, bodyHash, canonical, event,
                plan, policy, glass, settings.get(tenantId), Traces.currentTraceparent()));
        if (result instanceof IntakeResult.Accepted a && !a.replay()) {
            for (GateOverride o : glass.overrides()) {
                Counter.builder("chartbridge.break_glass").description("Gates overridden by break-glass")
                        .tag("tenant", tenantId).tag("gate", o.gate().wireName()).register(registry).increment();
            }
        }
        return new Decision(result, event);
    }

    /**
     * Stores the submission with others arriving at the same time (group commit); or alone (an amendment, or one its
     * group handed back) in one transaction, deciding again with a fresh copy of the tenant's settings as long as
     * the transaction finds the copy stale (a change committed since it was read; rare, and each retry reads anew).
     */
    private IntakeResult store(IntakeStore.Submission submission) {
        if (!submission.event().isAmendment()) {
            IntakeResult grouped = groups.store(submission);
            if (grouped != null) {
                return grouped;
            }
        }
        IntakeStore.Submission s = submission;
        for (int attempt = 1; ; attempt++) {
            IntakeStore.Submission current = s;
            try {
                return jdbc.inTransaction(c -> IntakeStore.store(c, current));
            } catch (IntakeStore.StaleSettings e) {
                if (attempt == MAX_STALE_RETRIES) {
                    throw new dev.chartbridge.core.ChartBridgeException("tenant " + s.tenantId() + ": its settings"
                            + " changed under " + attempt + " attempts to store an event in a row");
                }
                settings.drop(s.settings());
                s = s.withSettings(settings.get(s.tenantId()));
            }
        }
    }

    /** Who may order, and what the tenant's formulary carries; a stop is never refused by the formulary. */
    private static FieldError medicationGates(ClinicalEvent event, TenantPolicy policy) {
        if (!event.author().role().mayOrderMedication()) {
            return new FieldError("/author/role", "a " + event.author().role().wireName()
                    + " may not author a medication change");
        }
        MedicationChangePayload change = (MedicationChangePayload) event.payload();
        if (!"stop".equals(change.action())) {
            FormularyDecision decision = policy.formulary().decide(change);
            if (!decision.allowed()) {
                return new FieldError("/payload/medication/code", decision.reason());
            }
        }
        return null;
    }

    /**
     * A gate's refusal is a decision worth keeping: audited in its own transaction (the event was not stored), once
     * it is known not to be a replay.
     */
    private void auditRefusal(String tenantId, String actor, ClinicalEvent event, IntakeResult.Refused refused) {
        ObjectNode d = Json.MAPPER.createObjectNode();
        d.put("type", event.type().wireName());
        var reasons = d.putArray("reasons");
        refused.errors().forEach(e -> reasons.add(e.pointer() + " " + e.detail()));
        jdbc.inTransaction(c -> {
            AuditLog.append(c, tenantId, actor, "event.refused", null, null, Json.canonical(d));
            return null;
        });
    }

}
