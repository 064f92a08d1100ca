package dev.chartbridge.ehr.vendortest;

import dev.chartbridge.simulators.RecordedRequest;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.UnaryOperator;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Golden payloads: the exact requests that reached a simulator (method, path, the recorded headers, body) compared
 * with a reviewed file {@code src/test/resources/golden/<vendor>/<type>.txt}. Session tokens differ per run and are
 * masked by the caller's {@code mask}. Regenerate after a reviewed mapping change with
 * {@code -Dchartbridge.writeGolden=true}, then read the diff against the vendor docs before committing.
 */
public final class GoldenRequests {
    private static final Path ROOT = Path.of("src", "test", "resources", "golden");

    private GoldenRequests() {
    }

    public static String render(List<RecordedRequest> requests, UnaryOperator<String> mask) {
        return requests.stream().map(r -> mask.apply(r.method() + " " + r.pathAndQuery() + "\n"
                        + r.headers().entrySet().stream().map(h -> h.getKey() + ": " + h.getValue() + "\n")
                        .collect(Collectors.joining()) + "\n" + r.bodyText() + "\n"))
                .collect(Collectors.joining("\n---\n\n"));
    }

    public static void assertMatches(String vendor, String type, String actual) {
        Path file = ROOT.resolve(vendor).resolve(type + ".txt");
        try {
            if (Boolean.getBoolean("chartbridge.writeGolden")) {
                Files.createDirectories(file.getParent());
                Files.writeString(file, actual);
            }
            assertThat(Files.exists(file)).as("golden file %s (write it with -Dchartbridge.writeGolden=true)", file)
                    .isTrue();
            assertThat(actual).as("request for %s %s differs from %s", vendor, type, file)
                    .isEqualTo(Files.readString(file));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
