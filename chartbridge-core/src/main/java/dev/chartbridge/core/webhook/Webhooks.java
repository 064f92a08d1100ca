package dev.chartbridge.core.webhook;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.chartbridge.core.audit.AuditLog;
import dev.chartbridge.core.event.OperationState;
import dev.chartbridge.core.json.FieldError;
import dev.chartbridge.core.json.Json;
import dev.chartbridge.core.secret.SecretVault;
import dev.chartbridge.core.store.Jdbc;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.URI;
import java.net.URISyntaxException;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * The webhooks tenants register: an absolute http(s) URL each, whose host must resolve to addresses the
 * {@link ReceiverAddressPolicy} allows, with a signing secret made here ({@link WebhookSigner#newSecret()}), shown
 * once, and kept only encrypted ({@link SecretVault}, name {@code webhook/<id>}), and optional filters (notice
 * types, operation states). Registering, changing and removing are audited in the transaction that makes them. A
 * removed webhook is kept with its deliveries; its pending ones are cancelled. Thread-safe.
 */
public final class Webhooks {
    private static final Logger LOG = LoggerFactory.getLogger(Webhooks.class);
    private static final int MAX_URL = 2048;
    private static final int MAX_DESCRIPTION = 200;
    /** What a refused receiver is told: the same words whatever the reason, so registration probes nothing. */
    static final String REFUSED_URL = "must name a host that resolves only to public addresses (loopback, private,"
            + " link-local, multicast, shared and metadata addresses are refused unless the gateway's"
            + " configuration allows them under webhooks.allowNetworks or webhooks.allowHosts)";

    private final Jdbc jdbc;
    private final SecretVault vault;
    private final ReceiverAddressPolicy addresses;

    /** Webhooks that may be delivered to public addresses only. */
    public Webhooks(Jdbc jdbc, SecretVault vault) {
        this(jdbc, vault, ReceiverAddressPolicy.publicOnly());
    }

    public Webhooks(Jdbc jdbc, SecretVault vault, ReceiverAddressPolicy addresses) {
        this.jdbc = jdbc;
        this.vault = vault;
        this.addresses = addresses;
    }

    /**
     * A registered webhook as listed (never with its secret).
     *
     * @param noticeTypes the notice types it receives; null: all
     * @param states      the operation states it receives notices of; null: all
     */
    public record Webhook(UUID id, String url, String description, Instant createdAt, List<String> noticeTypes,
                          List<String> states) {
    }

    /** What a change of a webhook sets; a field whose {@code set...} flag is false is left as it is. */
    public record Changes(String url, boolean setDescription, String description, boolean setNoticeTypes,
                          List<String> noticeTypes, boolean setStates, List<String> states) {
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
        errors.addAll(validateDescription(description));
        return errors;
    }

    /** What is wrong with a description (null: none), or empty. */
    public static List<FieldError> validateDescription(String description) {
        return description != null && description.length() > MAX_DESCRIPTION
                ? List.of(new FieldError("/description", "must be at most " + MAX_DESCRIPTION + " characters"))
                : List.of();
    }

    /** What is wrong with filters (null lists mean "all"), each naming its field; empty when they are fine. */
    public static List<FieldError> validateFilters(List<String> noticeTypes, List<String> states) {
        List<FieldError> errors = new ArrayList<>();
        if (noticeTypes != null) {
            if (noticeTypes.isEmpty()) {
                errors.add(new FieldError("/noticeTypes", "must name at least one type (or be absent: all)"));
            }
            for (int i = 0; i < noticeTypes.size(); i++) {
                if (!WebhookNotices.FILTERABLE.contains(noticeTypes.get(i))) {
                    errors.add(new FieldError("/noticeTypes/" + i, "must be one of "
                            + WebhookNotices.FILTERABLE.stream().sorted().toList()));
                }
            }
        }
        if (states != null) {
            if (states.isEmpty()) {
                errors.add(new FieldError("/states", "must name at least one state (or be absent: all)"));
            }
            for (int i = 0; i < states.size(); i++) {
                String state = states.get(i);
                if (Arrays.stream(OperationState.values()).noneMatch(st -> st.name().equals(state))) {
                    errors.add(new FieldError("/states/" + i, "is not an operation state"));
                }
            }
        }
        return errors;
    }

    /**
     * Why the URL's receiver may not be registered (its host resolved now and checked against the address
     * policy), or empty when it may. The tenant is told the same words whatever the reason; the operator's log
     * says which.
     */
    public Optional<FieldError> receiverRefusal(String url) {
        try {
            addresses.check(URI.create(url));
            return Optional.empty();
        } catch (ReceiverAddressPolicy.Refused e) {
            LOG.info("webhook registration refused: {}", e.getMessage());
            return Optional.of(new FieldError("/url", REFUSED_URL));
        }
    }

    /** Registers a validated webhook; {@code actor} is the API caller, recorded in the audit entry. */
    public Registered register(String tenantId, String actor, String url, String description,
                               List<String> noticeTypes, List<String> states) {
        UUID id = UUID.randomUUID();
        String secret = WebhookSigner.newSecret();
        vault.put(secretName(id), secret); // first: a webhook never exists without its secret
        Instant created = jdbc.inTransaction(c -> {
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO webhook (id, tenant_id, url, description,"
                    + " notice_types, states) VALUES (?, ?, ?, ?, ?, ?) RETURNING created_at")) {
                ps.setObject(1, id);
                ps.setString(2, tenantId);
                ps.setString(3, url);
                ps.setString(4, description);
                ps.setArray(5, array(c, noticeTypes));
                ps.setArray(6, array(c, states));
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    AuditLog.append(c, tenantId, actor, "webhook.registered", null, null, detail(id, url));
                    return rs.getObject(1, OffsetDateTime.class).toInstant();
                }
            }
        });
        return new Registered(new Webhook(id, url, description, created, noticeTypes, states), secret);
    }

    /** Registers a validated webhook that receives every notice. */
    public Registered register(String tenantId, String actor, String url, String description) {
        return register(tenantId, actor, url, description, null, null);
    }

    /** Changes the tenant's webhook (validated changes); empty when it has no such active webhook. */
    public Optional<Webhook> update(String tenantId, String actor, UUID id, Changes changes) {
        return jdbc.inTransaction(c -> {
            try (PreparedStatement ps = c.prepareStatement("UPDATE webhook SET url = coalesce(?, url),"
                    + " description = CASE WHEN ? THEN ? ELSE description END,"
                    + " notice_types = CASE WHEN ? THEN ? ELSE notice_types END,"
                    + " states = CASE WHEN ? THEN ? ELSE states END"
                    + " WHERE id = ? AND tenant_id = ? AND removed_at IS NULL"
                    + " RETURNING id, url, description, created_at, notice_types, states")) {
                ps.setString(1, changes.url());
                ps.setBoolean(2, changes.setDescription());
                ps.setString(3, changes.description());
                ps.setBoolean(4, changes.setNoticeTypes());
                ps.setArray(5, array(c, changes.noticeTypes()));
                ps.setBoolean(6, changes.setStates());
                ps.setArray(7, array(c, changes.states()));
                ps.setObject(8, id);
                ps.setString(9, tenantId);
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next()) {
                        return java.util.Optional.<Webhook>empty();
                    }
                    Webhook w = webhook(rs);
                    AuditLog.append(c, tenantId, actor, "webhook.changed", null, null, detail(id, w.url()));
                    return Optional.of(w);
                }
            }
        });
    }

    public List<Webhook> list(String tenantId) {
        return jdbc.read(c -> {
            List<Webhook> out = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT id, url, description, created_at, notice_types,"
                    + " states FROM webhook WHERE tenant_id = ? AND removed_at IS NULL ORDER BY created_at, id")) {
                ps.setString(1, tenantId);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.add(webhook(rs));
                    }
                }
            }
            return out;
        });
    }

    private static Webhook webhook(ResultSet rs) throws java.sql.SQLException {
        return new Webhook(rs.getObject(1, UUID.class), rs.getString(2), rs.getString(3),
                rs.getObject(4, OffsetDateTime.class).toInstant(), list(rs.getArray(5)), list(rs.getArray(6)));
    }

    private static List<String> list(Array a) throws java.sql.SQLException {
        return a == null ? null : List.of((String[]) a.getArray());
    }

    private static Array array(Connection c, List<String> values) throws java.sql.SQLException {
        return values == null ? null : c.createArrayOf("text", values.toArray(String[]::new));
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

    /** The address policy the dispatcher checks again at every delivery. */
    ReceiverAddressPolicy addresses() {
        return addresses;
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
