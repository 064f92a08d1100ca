package dev.chartbridge.app.config;

import dev.chartbridge.core.ChartBridgeException;
import dev.chartbridge.core.common.KeyFiles;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;

/** Reads secrets named in the configuration: from an environment variable or a file, never from the YAML itself. */
public final class Secrets {
    private static final Logger LOG = LoggerFactory.getLogger(Secrets.class);
    /** The master key's default place: outside the data directory, so a copy of {@code data/} holds no key. */
    static final Path DEFAULT_MASTER_KEY = Path.of("keys", "master.key");
    /** Where versions before issue #15 created it, beside the database. */
    static final Path OLD_MASTER_KEY = Path.of("data", "master.key");

    private Secrets() {
    }

    /** The value of the named variable, else the trimmed content of the file, else null. */
    public static String read(String env, String file) {
        if (env != null && System.getenv(env) != null) {
            return System.getenv(env);
        }
        if (file == null) {
            return null;
        }
        try {
            return Files.readString(Path.of(file)).trim();
        } catch (IOException e) {
            throw new ChartBridgeException("secret file " + file + " could not be read (" + e.getClass().getSimpleName()
                    + ")");
        }
    }

    /**
     * The 32-byte master key: from the environment (base64), or a key file, created when absent with random bytes
     * and mode 0600 from its creation ({@link KeyFiles}). Without a configured file the default is
     * {@code keys/master.key}; a key still at the old default {@code data/master.key} is used where it is, with a
     * warning saying how to move it.
     */
    public static byte[] masterKey(GatewayConfig.SecurityConfig security) {
        String env = security == null ? null : security.masterKeyEnv();
        if (env != null && System.getenv(env) != null) {
            return Base64.getDecoder().decode(System.getenv(env).trim());
        }
        Path file = masterKeyFile(security);
        return Base64.getDecoder().decode(KeyFiles.readOrCreate(file, KeyFiles.randomBase64(32)));
    }

    /** As {@link #masterKey}, but a tool that only checks (e.g. {@code audit verify}) never creates a key. */
    public static byte[] existingMasterKey(GatewayConfig.SecurityConfig security) {
        String env = security == null ? null : security.masterKeyEnv();
        if (env != null && System.getenv(env) != null) {
            return Base64.getDecoder().decode(System.getenv(env).trim());
        }
        Path file = masterKeyFile(security);
        if (!Files.exists(file)) {
            throw new ChartBridgeException("no master key at " + file + " (name it with --master-key-file)");
        }
        return Base64.getDecoder().decode(KeyFiles.readOrCreate(file, ""));
    }

    /** The master key file this configuration uses (it may not exist yet). */
    static Path masterKeyFile(GatewayConfig.SecurityConfig security) {
        if (security != null && security.masterKeyFile() != null) {
            return Path.of(security.masterKeyFile());
        }
        if (!Files.exists(DEFAULT_MASTER_KEY) && Files.exists(OLD_MASTER_KEY)) {
            LOG.warn("the master key is at {}, inside the data directory; move it out: mkdir -m 700 keys && mv {} {}"
                    + " (or set security.masterKeyFile)", OLD_MASTER_KEY, OLD_MASTER_KEY, DEFAULT_MASTER_KEY);
            return OLD_MASTER_KEY;
        }
        return DEFAULT_MASTER_KEY;
    }

    /**
     * The directory of the keys kept beside the master key (the embedded database's passwords): {@code keysDir},
     * else the master key file's directory, else {@code keys}.
     */
    public static Path keysDirectory(GatewayConfig.SecurityConfig security) {
        if (security != null && security.keysDir() != null) {
            return Path.of(security.keysDir());
        }
        if (security != null && security.masterKeyFile() != null) {
            Path parent = Path.of(security.masterKeyFile()).toAbsolutePath().getParent();
            return parent;
        }
        return DEFAULT_MASTER_KEY.getParent();
    }

    /** Where the audit chain's signed checkpoints are appended. */
    public static Path auditCheckpointDirectory(GatewayConfig.SecurityConfig security) {
        if (security != null && security.auditCheckpointDir() != null) {
            return Path.of(security.auditCheckpointDir());
        }
        return keysDirectory(security).resolve("audit-checkpoints");
    }
}
