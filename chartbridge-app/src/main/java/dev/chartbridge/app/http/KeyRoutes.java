package dev.chartbridge.app.http;

import com.fasterxml.jackson.databind.JsonNode;
import dev.chartbridge.core.json.FieldError;
import dev.chartbridge.core.tenant.ApiKeys;
import dev.chartbridge.core.tenant.KeyRole;
import io.javalin.http.Context;

import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * The administrator's key API: {@code GET /v1/admin/keys} (list, prefixes only), {@code POST /v1/admin/keys}
 * (create, the key shown once), {@code POST /v1/admin/keys/{id}/rotate} (a successor; the old key works for the
 * overlap window) and {@code POST /v1/admin/keys/{id}/revoke}. Each change is audited ({@code key.created},
 * {@code key.rotated}, {@code key.revoked}). The route table lets only {@code admin} keys in. Thread-safe.
 */
final class KeyRoutes {
    static final Duration DEFAULT_OVERLAP = Duration.ofHours(24);
    static final Duration MAX_OVERLAP = Duration.ofDays(30);

    private final RequestAuth auth;
    private final RequestBodies bodies;
    private final ApiKeys keys;

    KeyRoutes(RequestAuth auth, RequestBodies bodies, ApiKeys keys) {
        this.auth = auth;
        this.bodies = bodies;
        this.keys = keys;
    }

    void list(Context ctx) {
        ApiKeys.Caller caller = auth.authenticate(ctx).orElseThrow();
        Responses.json(ctx, 200, Map.of("items", keys.list(caller.tenantId()).stream().map(KeyRoutes::view)
                .toList()));
    }

    void create(Context ctx) {
        ApiKeys.Caller caller = auth.authenticate(ctx).orElseThrow();
        List<FieldError> errors = new ArrayList<>();
        JsonNode body = object(ctx, errors);
        String label = null;
        Set<KeyRole> roles = null;
        Instant expiresAt = null;
        if (body != null) {
            unknownFields(body, Set.of("label", "roles", "expiresAt"), errors);
            JsonNode l = body.get("label");
            if (l == null || !l.isTextual() || l.asText().isBlank() || l.asText().length() > 100) {
                errors.add(new FieldError("/label", "is required: 1 to 100 characters naming who uses the key"));
            } else {
                label = l.asText();
            }
            roles = roles(body.get("roles"), errors);
            expiresAt = expiry(body.get("expiresAt"), errors);
        }
        if (!errors.isEmpty()) {
            Responses.problem(ctx, Problem.invalid(400, "invalid-key-request", "Invalid key request", errors));
            return;
        }
        ApiKeys.Issued issued = keys.issue(caller.tenantId(), caller.actor(), label, roles, expiresAt);
        ctx.header("Location", "/v1/admin/keys/" + issued.key().id());
        Responses.json(ctx, 201, withSecret(issued, null));
    }

    void rotate(Context ctx) {
        ApiKeys.Caller caller = auth.authenticate(ctx).orElseThrow();
        UUID id = Params.uuid(ctx.pathParam("id"));
        List<FieldError> errors = new ArrayList<>();
        JsonNode body = bodies.readJson(ctx, errors);
        Duration overlap = DEFAULT_OVERLAP;
        Instant expiresAt = null;
        if (body != null && !body.isMissingNode()) {
            if (!body.isObject()) {
                errors.add(new FieldError("", "send a JSON object, or nothing"));
            } else {
                unknownFields(body, Set.of("overlapSeconds", "expiresAt"), errors);
                JsonNode o = body.get("overlapSeconds");
                if (o != null) {
                    if (!o.canConvertToLong() || !o.isIntegralNumber() || o.asLong() < 0
                            || o.asLong() > MAX_OVERLAP.toSeconds()) {
                        errors.add(new FieldError("/overlapSeconds", "must be an integer from 0 to "
                                + MAX_OVERLAP.toSeconds() + " (30 days)"));
                    } else {
                        overlap = Duration.ofSeconds(o.asLong());
                    }
                }
                expiresAt = expiry(body.get("expiresAt"), errors);
            }
        }
        if (!errors.isEmpty()) {
            Responses.problem(ctx, Problem.invalid(400, "invalid-key-request", "Invalid key request", errors));
            return;
        }
        Instant oldUntil = Instant.now().plus(overlap);
        Optional<ApiKeys.Issued> issued = id == null ? Optional.empty()
                : keys.rotate(caller.tenantId(), caller.actor(), id, oldUntil, expiresAt);
        if (issued.isEmpty()) {
            Responses.problem(ctx, Problem.of(404, "not-found", "Not found", "no live key of this tenant with that id"));
            return;
        }
        if (overlap.isZero()) {
            auth.forget(id);
        }
        ctx.header("Location", "/v1/admin/keys/" + issued.get().key().id());
        Responses.json(ctx, 201, withSecret(issued.get(), Map.of("id", id, "worksUntil", oldUntil)));
    }

    void revoke(Context ctx) {
        ApiKeys.Caller caller = auth.authenticate(ctx).orElseThrow();
        UUID id = Params.uuid(ctx.pathParam("id"));
        Optional<ApiKeys.KeyView> revoked = id == null ? Optional.empty()
                : keys.revoke(caller.tenantId(), caller.actor(), id);
        if (revoked.isEmpty()) {
            Responses.problem(ctx, Problem.of(404, "not-found", "Not found", "no key of this tenant with that id"));
            return;
        }
        auth.forget(id);
        Responses.json(ctx, 200, view(revoked.get()));
    }

    private JsonNode object(Context ctx, List<FieldError> errors) {
        JsonNode body = bodies.readJson(ctx, errors);
        if (body != null && !body.isObject()) {
            errors.add(new FieldError("", "send a JSON object"));
            return null;
        }
        return body;
    }

    private static void unknownFields(JsonNode body, Set<String> known, List<FieldError> errors) {
        body.fieldNames().forEachRemaining(name -> {
            if (!known.contains(name)) {
                errors.add(new FieldError("/" + name, "is not a field of this request"));
            }
        });
    }

    private static Set<KeyRole> roles(JsonNode node, List<FieldError> errors) {
        String expected = "is required: a list of one or more of app, reviewer, admin";
        if (node == null || !node.isArray() || node.isEmpty()) {
            errors.add(new FieldError("/roles", expected));
            return null;
        }
        Set<KeyRole> roles = EnumSet.noneOf(KeyRole.class);
        for (int i = 0; i < node.size(); i++) {
            Optional<KeyRole> role = node.get(i).isTextual() ? KeyRole.fromWire(node.get(i).asText())
                    : Optional.empty();
            if (role.isEmpty()) {
                errors.add(new FieldError("/roles/" + i, "must be app, reviewer or admin"));
            } else {
                roles.add(role.get());
            }
        }
        return roles;
    }

    private static Instant expiry(JsonNode node, List<FieldError> errors) {
        if (node == null || node.isNull()) {
            return null;
        }
        try {
            Instant at = Instant.parse(node.asText());
            if (node.isTextual() && at.isAfter(Instant.now())) {
                return at;
            }
        } catch (DateTimeParseException e) {
            // reported below
        }
        errors.add(new FieldError("/expiresAt", "must be a future instant such as 2027-01-31T00:00:00Z"));
        return null;
    }

    private static Map<String, Object> withSecret(ApiKeys.Issued issued, Map<String, Object> replaces) {
        Map<String, Object> m = view(issued.key());
        m.put("key", issued.secret());
        if (replaces != null) {
            m.put("replaces", replaces);
        }
        return m;
    }

    /** A key as listed: everything but the secret. */
    static Map<String, Object> view(ApiKeys.KeyView k) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", k.id());
        m.put("prefix", k.prefix());
        m.put("label", k.label());
        m.put("roles", k.roles().stream().sorted().map(KeyRole::wireName).toList());
        m.put("origin", k.origin());
        m.put("createdAt", k.createdAt());
        m.put("createdBy", k.createdBy());
        m.put("expiresAt", k.expiresAt());
        m.put("revokedAt", k.revokedAt());
        m.put("rotatedFrom", k.rotatedFrom());
        return m;
    }
}
