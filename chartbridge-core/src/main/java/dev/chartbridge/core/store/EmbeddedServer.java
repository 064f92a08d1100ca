package dev.chartbridge.core.store;

import dev.chartbridge.core.common.KeyFiles;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * Starts the embedded PostgreSQL so that only who holds a password gets in: initdb with SCRAM-SHA-256 and the
 * owner's random password, a {@code pg_hba.conf} that asks every connection for a password (loopback TCP and the
 * local socket only; no {@code trust} line), and the server listening on loopback only. The passwords live in
 * files beside the master key (mode 0600), never in the data directory. A data directory made by an older
 * version ({@code trust}) is converted at its next start. Not thread-safe: one start per data directory.
 */
final class EmbeddedServer {
    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedServer.class);
    static final String OWNER = "postgres";
    static final String OWNER_PASSWORD_FILE = "postgres-owner.password";
    static final String GATEWAY_PASSWORD_FILE = "postgres-gateway.password";

    /** Every connection authenticates with SCRAM; nothing but loopback is listed, so nothing else gets in. */
    static final String HBA = """
            # Written by ChartBridge at every start: a password (SCRAM-SHA-256) for every connection, loopback only.
            # The passwords are in the keys directory beside the master key (mode 0600).
            local   all   all                   scram-sha-256
            host    all   all   127.0.0.1/32    scram-sha-256
            host    all   all   ::1/128         scram-sha-256
            """;

    /** The started server with the credentials of its two roles. */
    record Started(EmbeddedPostgres server, String ownerPassword, String gatewayPassword) {
    }

    private EmbeddedServer() {
    }

    /** @param serverSettings extra {@code postgres -c} settings (benchmarks' statement statistics), usually none */
    static Started start(Path dataDirectory, Path keysDirectory, int port, java.util.Map<String, String> serverSettings)
            throws IOException {
        Files.createDirectories(dataDirectory);
        Path ownerFile = keysDirectory.resolve(OWNER_PASSWORD_FILE);
        String ownerPassword = KeyFiles.readOrCreate(ownerFile, KeyFiles.randomPassword());
        String gatewayPassword = KeyFiles.readOrCreate(keysDirectory.resolve(GATEWAY_PASSWORD_FILE),
                KeyFiles.randomPassword());
        boolean fresh = !Files.exists(dataDirectory.resolve("postgresql.conf"));
        boolean trusting = !fresh && trusts(dataDirectory.resolve("pg_hba.conf"));
        EmbeddedPostgres.Builder builder = EmbeddedPostgres.builder()
                .setDataDirectory(dataDirectory)
                .setCleanDataDirectory(false)
                // Stopped by Database: at close, or at JVM exit once its owner had the time to close it (a node's
                // last audit seal runs on it during a graceful stop).
                .setRegisterShutdownHook(false)
                .setPort(port)
                .setServerConfig("listen_addresses", "localhost")
                .setServerConfig("password_encryption", "scram-sha-256")
                .setServerConfig("max_connections", "300")
                .setServerConfig("fsync", "on");
        serverSettings.forEach(builder::setServerConfig);
        if (fresh) {
            // initdb's own options: a later --auth wins over zonky's "-A trust"; the owner gets its password now.
            builder.setLocaleConfig("auth", "scram-sha-256").setLocaleConfig("pwfile", ownerFile.toAbsolutePath()
                    .toString());
        }
        if (!trusting) {
            builder.setConnectConfig("password", ownerPassword); // zonky's readiness check logs in as the owner
        }
        EmbeddedPostgres pg = builder.start();
        try {
            String url = url(pg);
            try (Connection c = DriverManager.getConnection(url, OWNER, ownerPassword)) {
                if (trusting) {
                    DatabaseRoles.setPassword(c, OWNER, ownerPassword);
                    LOG.warn("the embedded database in {} trusted every local user; it now asks for passwords (kept"
                            + " in {})", dataDirectory, keysDirectory);
                }
                writeHba(c, dataDirectory.resolve("pg_hba.conf"));
                DatabaseRoles.ensureRuntimeRole(c, DatabaseRoles.EMBEDDED_GATEWAY_ROLE, gatewayPassword);
            }
        } catch (SQLException | IOException | RuntimeException e) {
            pg.close();
            throw e instanceof IOException io ? io : new IOException("could not secure the embedded PostgreSQL", e);
        }
        return new Started(pg, ownerPassword, gatewayPassword);
    }

    /**
     * The server's JDBC URL without a user (zonky's names {@code user=postgres}, which would override the role a
     * pool connects as).
     */
    static String url(EmbeddedPostgres pg) {
        return "jdbc:postgresql://localhost:" + pg.getPort() + "/postgres";
    }

    private static void writeHba(Connection c, Path hba) throws IOException, SQLException {
        if (Files.exists(hba) && Files.readString(hba, StandardCharsets.UTF_8).equals(HBA)) {
            return;
        }
        Files.writeString(hba, HBA, StandardCharsets.UTF_8);
        try (Statement s = c.createStatement()) {
            s.execute("SELECT pg_reload_conf()");
        }
    }

    /** Whether any rule of the file lets a connection in without a password. */
    static boolean trusts(Path hba) throws IOException {
        if (!Files.exists(hba)) {
            return false;
        }
        for (String line : Files.readAllLines(hba, StandardCharsets.UTF_8)) {
            String rule = line.strip();
            if (!rule.startsWith("#") && rule.matches(".*\\strust(\\s.*)?$")) {
                return true;
            }
        }
        return false;
    }
}
