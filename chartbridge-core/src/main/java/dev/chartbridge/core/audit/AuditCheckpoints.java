package dev.chartbridge.core.audit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.chartbridge.core.ChartBridgeException;
import dev.chartbridge.core.common.KeyFiles;
import dev.chartbridge.core.json.Json;
import dev.chartbridge.core.store.Jdbc;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javax.crypto.Mac;

/**
 * Anchors every tenant's chain head outside the database: {@link #write} appends one JSON line per tenant whose
 * head moved since the last checkpoint to {@value #FILE} in a directory of its own (mode 0600, fsynced), each line
 * signed with HMAC-SHA256 under the checkpoint key, and logs one line per checkpoint. {@link #read} reads them back
 * for {@code audit verify --checkpoints}. A chain cut, deleted or recomputed after a checkpoint no longer matches
 * it. Thread-safe ({@link #write} is synchronized).
 */
public final class AuditCheckpoints {
    /** The checkpoint file's name in its directory. */
    public static final String FILE = "audit-checkpoints.jsonl";
    private static final Logger LOG = LoggerFactory.getLogger(AuditCheckpoints.class);

    private final Jdbc jdbc;
    private final AuditKeys keys;
    private final Path file;
    private final Clock clock;
    private final Map<String, Long> written = new HashMap<>();

    public AuditCheckpoints(Jdbc jdbc, AuditKeys keys, Path directory, Clock clock) {
        this.jdbc = jdbc;
        this.keys = keys;
        this.file = directory.resolve(FILE);
        this.clock = clock;
    }

    /** Appends a checkpoint for each tenant whose chain head moved since this writer's last; returns how many. */
    public synchronized int write() {
        List<AuditCheckpoint> heads = heads();
        StringBuilder lines = new StringBuilder();
        List<AuditCheckpoint> fresh = new ArrayList<>();
        for (AuditCheckpoint head : heads) {
            if (!Long.valueOf(head.seq()).equals(written.get(head.tenantId()))) {
                lines.append(line(head)).append('\n');
                fresh.add(head);
            }
        }
        if (fresh.isEmpty()) {
            return 0;
        }
        try {
            KeyFiles.createPrivateDirectories(file.toAbsolutePath().getParent());
            try (FileChannel out = FileChannel.open(file, Set.of(StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.APPEND), KeyFiles.ownerOnly())) {
                ByteBuffer bytes = ByteBuffer.wrap(lines.toString().getBytes(StandardCharsets.UTF_8));
                while (bytes.hasRemaining()) {
                    out.write(bytes);
                }
                out.force(true);
            }
        } catch (IOException e) {
            throw new ChartBridgeException("audit checkpoints could not be written to " + file + " ("
                    + e.getClass().getSimpleName() + ")", e);
        }
        for (AuditCheckpoint c : fresh) {
            written.put(c.tenantId(), c.seq());
            LOG.info("audit checkpoint tenant={} seq={} hash={}", c.tenantId(), c.seq(), c.hash());
        }
        return fresh.size();
    }

    /** Every checkpoint in {@code directory}, in file order, each with whether its signature verified. */
    public static List<AuditCheckpoint> read(Path directory, AuditKeys keys) {
        Path f = directory.resolve(FILE);
        if (!Files.exists(f)) {
            throw new ChartBridgeException("no audit checkpoint file " + f);
        }
        List<AuditCheckpoint> out = new ArrayList<>();
        try {
            int n = 0;
            for (String line : Files.readAllLines(f, StandardCharsets.UTF_8)) {
                n++;
                if (!line.isBlank()) {
                    out.add(parse(line, n, keys));
                }
            }
        } catch (IOException e) {
            throw new ChartBridgeException("audit checkpoints could not be read from " + f, e);
        }
        return out;
    }

    private static AuditCheckpoint parse(String line, int n, AuditKeys keys) {
        try {
            JsonNode j = Json.MAPPER.readTree(line);
            String tenant = j.get("tenant").asText();
            long seq = j.get("seq").asLong();
            String hash = j.get("hash").asText();
            Instant at = Instant.parse(j.get("at").asText());
            boolean valid = MessageDigest.isEqual(signature(keys, tenant, seq, hash, at).getBytes(StandardCharsets.UTF_8),
                    j.path("sig").asText().getBytes(StandardCharsets.UTF_8));
            return new AuditCheckpoint(tenant, seq, hash, at, valid, n);
        } catch (IOException | RuntimeException unreadable) {
            return new AuditCheckpoint(null, 0, null, null, false, n);
        }
    }

    private String line(AuditCheckpoint c) {
        ObjectNode j = Json.MAPPER.createObjectNode();
        j.put("v", 1).put("tenant", c.tenantId()).put("seq", c.seq()).put("hash", c.hash())
                .put("at", c.at().toString()).put("sig", signature(keys, c.tenantId(), c.seq(), c.hash(), c.at()));
        return j.toString();
    }

    static String signature(AuditKeys keys, String tenant, long seq, String hash, Instant at) {
        Mac mac = keys.checkpointMac();
        String signed = "chartbridge-audit-checkpoint v1\n" + tenant + "\n" + seq + "\n" + hash + "\n" + at;
        return Base64.getEncoder().withoutPadding().encodeToString(mac.doFinal(signed.getBytes(StandardCharsets.UTF_8)));
    }

    /** Each tenant's newest seal, by a skip scan over the (tenant_id, seq) key: one index probe per tenant. */
    private List<AuditCheckpoint> heads() {
        Instant now = clock.instant();
        return jdbc.read(c -> {
            List<AuditCheckpoint> heads = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("WITH RECURSIVE t AS ("
                    + " SELECT min(tenant_id) AS tenant_id FROM audit_seal"
                    + " UNION ALL SELECT (SELECT min(tenant_id) FROM audit_seal s WHERE s.tenant_id > t.tenant_id)"
                    + " FROM t WHERE t.tenant_id IS NOT NULL)"
                    + " SELECT t.tenant_id, h.seq, h.hash FROM t CROSS JOIN LATERAL (SELECT seq, hash FROM audit_seal"
                    + " WHERE tenant_id = t.tenant_id ORDER BY seq DESC LIMIT 1) h WHERE t.tenant_id IS NOT NULL");
                 ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    heads.add(new AuditCheckpoint(rs.getString(1), rs.getLong(2), rs.getString(3), now, true, 0));
                }
            }
            return heads;
        });
    }
}
