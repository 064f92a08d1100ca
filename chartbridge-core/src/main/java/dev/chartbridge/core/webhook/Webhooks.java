package dev.chartbridge.core.webhook;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.chartbridge.core.audit.AuditLog;
import dev.chartbridge.core.intake.FieldError;
import dev.chartbridge.core.intake.Json;
import dev.chartbridge.core.secret.SecretVault;
import dev.chartbridge.core.store.Jdbc;

import java.net.URI;
import java.net.URISyntaxException;
import java.security.SecureRandom;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * The webhooks tenants register: an absolute http(s) URL each, with a signing secret made here, shown once, and
 * kept only encrypted ({@link SecretVault}, name {@code webhook/<id>}). Registering and removing are audited in
 * the transaction that makes them. A removed webhook is kept with its deliveries; its pending ones are cancelled.
 * Thread-safe.
 */
public final class Webhooks {
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final int MAX_URL = 2048;
    private static final int MAX_DESCRIPTION = 200;

    private final Jdbc jdbc;
    private final SecretVault vault;

    public Webhooks(Jdbc jdbc, SecretVault vault) {
        this.jdbc = jdbc;
        this.vault = vault;
    }

    /** A registered webhook as listed (never with its secret). */
    public record Webhook(UUID id, String url, String description, Instant createdAt) {
    }

    /** A webhook just registered, with its signing secret: the only time the secret is shown. */
    public record Registered(Webhook webhook, String secret) {
    }

    /** What is wrong with a registration, each naming its field by JSON Pointer; empty when it is fine. */
    public static List<FieldError> validate(String url, String description) {
        List<FieldError> errors = new ArrayList<>();
        if (url == null || url.isBlank()) {
            errors.add(new FieldError("/url", "is required: the absolute http or https URL to deliver to"));
        } else if (url.length() > MAX_URL) {
            errors.add(new FieldError("/url", "must be at most " + MAX_URL + " characters"));
        } else {
            try {
                URI u = new URI(url);
                if (!u.isAbsolute() || !("http".equalsIgnoreCase(u.getScheme()) || "https".equalsIgnoreCase(u.getScheme()))
                        || u.getHost() == null) {
                    errors.add(new FieldError("/url", "must be an absolute http or https URL with a host"));
                } else if (u.getRawUserInfo() != null) {
                    errors.add(new FieldError("/url", "must not carry credentials (the signature authenticates)"));
                } else if (u.getRawFragment() != null) {
                    errors.add(new FieldError("/url", "must not have a fragment"));
                }
            } catch (URISyntaxException e) {
                errors.add(new FieldError("/url", "is not a valid URL"));
            }
        }
        if (description != null && description.length() > MAX_DESCRIPTION) {
            errors.add(new FieldError("/description", "must be at most " + MAX_DESCRIPTION + " characters"));
        }
        return errors;
    }

    /** Registers a validated webhook; {@code actor} is the API caller, recorded in the audit entry. */
    public Registered register(String tenantId, String actor, String url, String description) {
        UUID id = UUID.randomUUID();
        byte[] random = new byte[32];
        RANDOM.nextBytes(random);
        String secret = "whsec_" + Base64.getUrlEncoder().withoutPadding().encodeToString(random);
        vault.put(secretName(id), secret); // first: a webhook never exists without its secret
        Instant created = jdbc.inTransaction(c -> {
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO webhook (id, tenant_id, url, description)"
                    + " VALUES (?, ?, ?, ?) RETURNING created_at")) {
                ps.setObject(1, id);
                ps.setString(2, tenantId);
                ps.setString(3, url);
                ps.setString(4, description);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    AuditLog.append(c, tenantId, actor, "webhook.registered", null, null, detail(id, url));
                    return rs.getObject(1, OffsetDateTime.class).toInstant();
                }
            }
        });
        return new Registered(new Webhook(id, url, description, created), secret);
    }

    public List<Webhook> list(String tenantId) {
        return jdbc.read(c -> {
            List<Webhook> out = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT id, url, description, created_at FROM webhook"
                    + " WHERE tenant_id = ? AND removed_at IS NULL ORDER BY created_at, id")) {
                ps.setString(1, tenantId);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.add(new Webhook(rs.getObject(1, UUID.class), rs.getString(2), rs.getString(3),
                                rs.getObject(4, OffsetDateTime.class).toInstant()));
                    }
                }
            }
            return out;
        });
    }

    /** Removes the tenant's webhook and cancels its pending deliveries; false when it has no such webhook. */
    public boolean remove(String tenantId, String actor, UUID id) {
        return jdbc.inTransaction(c -> {
            String url;
            try (PreparedStatement ps = c.prepareStatement("UPDATE webhook SET removed_at = now() WHERE id = ?"
                    + " AND tenant_id = ? AND removed_at IS NULL RETURNING url")) {
                ps.setObject(1, id);
                ps.setString(2, tenantId);
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next()) {
                        return false;
                    }
                    url = rs.getString(1);
                }
            }
            try (PreparedStatement ps = c.prepareStatement("UPDATE webhook_delivery SET state = 'CANCELLED',"
                    + " finished_at = now() WHERE webhook_id = ? AND state = 'PENDING'")) {
                ps.setObject(1, id);
                ps.executeUpdate();
            }
            AuditLog.append(c, tenantId, actor, "webhook.removed", null, null, detail(id, url));
            return true;
        });
    }

    /** The webhook's signing secret, decrypted, for the dispatcher. */
    Optional<String> secret(UUID id) {
        return vault.get(secretName(id));
    }

    private static String secretName(UUID id) {
        return "webhook/" + id;
    }

    private static String detail(UUID id, String url) {
        ObjectNode d = Json.MAPPER.createObjectNode();
        d.put("webhookId", id.toString());
        d.put("url", url);
        return Json.canonical(d);
    }
}
