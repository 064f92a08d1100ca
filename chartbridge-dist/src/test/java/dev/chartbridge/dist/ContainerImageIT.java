package dev.chartbridge.dist;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Builds the repository's {@code Dockerfile} on the distribution this build made, where a container engine (docker
 * or podman) and the base image can be had; elsewhere the test is skipped and says why (a skipped test, not a pass).
 */
class ContainerImageIT {
    private static final String BASE_IMAGE = "eclipse-temurin:17-jre";

    @Test
    void the_dockerfile_builds_on_the_distribution() throws Exception {
        Path repository = Path.of(System.getProperty("chartbridge.repository")).toRealPath();
        assertThat(repository.resolve("Dockerfile")).content().contains("FROM " + BASE_IMAGE)
                .contains("chartbridge-dist/target/chartbridge-${VERSION}.tar.gz");
        assertThat(repository.resolve("compose.yaml")).content().contains("CHARTBRIDGE_DATABASE_URL");
        Optional<String> engine = engine();
        skipWithReason(engine.isPresent(), "no container engine (docker or podman) on the PATH");
        String cli = engine.orElseThrow();
        skipWithReason(run(repository, List.of(cli, "image", "inspect", BASE_IMAGE), 60) == 0
                        || run(repository, List.of(cli, "pull", BASE_IMAGE), 600) == 0,
                "the base image " + BASE_IMAGE + " is neither present nor pullable with " + cli);
        String tag = "chartbridge-it:" + System.getProperty("chartbridge.version").toLowerCase();
        int built = run(repository, List.of(cli, "build", "--build-arg", "VERSION="
                + System.getProperty("chartbridge.version"), "-t", tag, "."), 900);
        assertThat(built).as("%s build", cli).isZero();
        assertThat(run(repository, List.of(cli, "run", "--rm", tag, "serve", "--help"), 120)).isZero();
        run(repository, List.of(cli, "rmi", tag), 120);
    }

    private static void skipWithReason(boolean available, String reason) {
        if (!available) {
            System.out.println("ContainerImageIT skipped: " + reason);
        }
        Assumptions.assumeTrue(available, reason);
    }

    private static Optional<String> engine() {
        for (String name : List.of("docker", "podman")) {
            for (String dir : System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator)) {
                if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, name))) {
                    return Optional.of(name);
                }
            }
        }
        return Optional.empty();
    }

    private static int run(Path dir, List<String> command, int seconds) throws Exception {
        Process p = new ProcessBuilder(command).directory(dir.toFile()).inheritIO().start();
        if (!p.waitFor(seconds, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            return -1;
        }
        return p.exitValue();
    }
}
