package dev.chartbridge.app.config;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Base64;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.assertj.core.api.Assertions.assertThat;

/** Issue #15, item 8: the master key file is never readable by another OS user, not even for a moment. */
class MasterKeyFileTest {
    @TempDir
    Path dir;

    @Test
    void a_new_master_key_file_is_created_with_mode_0600_in_a_0700_directory() throws Exception {
        Path file = dir.resolve("keys").resolve("master.key");
        byte[] key = Secrets.masterKey(new GatewayConfig.SecurityConfig(null, file.toString()));

        assertThat(key).hasSize(32);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file.getParent())))
                .isEqualTo("rwx------");
        assertThat(Base64.getDecoder().decode(Files.readString(file).trim())).isEqualTo(key);
        try (var leftovers = Files.list(file.getParent())) {
            assertThat(leftovers).as("no temporary file left behind").containsExactly(file);
        }
    }

    @Test
    void nodes_starting_at_once_end_up_with_one_key() throws Exception {
        Path file = dir.resolve("master.key");
        var config = new GatewayConfig.SecurityConfig(null, file.toString());
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            var keys = ConcurrentHashMap.<String>newKeySet();
            var futures = new java.util.ArrayList<Future<?>>();
            for (int i = 0; i < 8; i++) {
                futures.add(pool.submit(() -> keys.add(Base64.getEncoder().encodeToString(Secrets.masterKey(config)))));
            }
            for (Future<?> f : futures) {
                f.get();
            }
            assertThat(keys).hasSize(1);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void the_default_place_is_outside_the_data_directory() {
        assertThat(Secrets.masterKeyFile(null)).isIn(Secrets.DEFAULT_MASTER_KEY, Secrets.OLD_MASTER_KEY);
        assertThat(Secrets.DEFAULT_MASTER_KEY.startsWith("data")).isFalse();
        assertThat(Secrets.keysDirectory(new GatewayConfig.SecurityConfig(null, dir.resolve("k/master.key")
                .toString()))).isEqualTo(dir.resolve("k").toAbsolutePath());
    }
}
