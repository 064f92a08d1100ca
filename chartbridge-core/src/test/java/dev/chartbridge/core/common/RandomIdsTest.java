package dev.chartbridge.core.common;

import org.junit.jupiter.api.Test;

import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;

class RandomIdsTest {
    @Test
    void ids_are_random_version_4_uuids_as_uuid_random_makes_them() {
        UUID id = RandomIds.uuid();
        assertThat(id.version()).isEqualTo(4);
        assertThat(id.variant()).isEqualTo(2);
        assertThat(UUID.fromString(id.toString())).isEqualTo(id);
    }

    @Test
    void ids_drawn_on_many_threads_at_once_never_repeat() {
        Set<UUID> seen = ConcurrentHashMap.newKeySet();
        IntStream.range(0, 40_000).parallel().forEach(i -> seen.add(RandomIds.uuid()));
        assertThat(seen).hasSize(40_000);
    }

    @Test
    void nonces_differ() {
        byte[] a = new byte[16];
        byte[] b = new byte[16];
        RandomIds.nextBytes(a);
        RandomIds.nextBytes(b);
        assertThat(a).isNotEqualTo(b);
    }
}
