package dev.chartbridge.app.config;

import dev.chartbridge.core.ChartBridgeException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Set;

/** Reads secrets named in the configuration: from an environment variable or a file, never from the YAML itself. */
public final class Secrets {
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

    /** The 32-byte master key: from the environment (base64), or a key file created with random bytes if absent. */
    public static byte[] masterKey(GatewayConfig.SecurityConfig security) {
        String env = security == null ? null : security.masterKeyEnv();
        if (env != null && System.getenv(env) != null) {
            return Base64.getDecoder().decode(System.getenv(env).trim());
        }
        Path file = Path.of(security != null && security.masterKeyFile() != null ? security.masterKeyFile()
                : "data/master.key");
        try {
            if (!Files.exists(file)) {
                byte[] key = new byte[32];
                new SecureRandom().nextBytes(key);
                Files.createDirectories(file.toAbsolutePath().getParent());
                Files.writeString(file, Base64.getEncoder().encodeToString(key));
                try {
                    Files.setPosixFilePermissions(file, Set.of(PosixFilePermissions.fromString("rw-------").toArray(
                            new java.nio.file.attribute.PosixFilePermission[0])));
                } catch (UnsupportedOperationException ignored) {
                    // not a POSIX file system: the file keeps the default permissions
                }
            }
            return Base64.getDecoder().decode(Files.readString(file).trim());
        } catch (IOException e) {
            throw new ChartBridgeException("master key file " + file + " could not be read or created", e);
        }
    }
}
