package dev.chartbridge.ehr.veradigm;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Veradigm's golden payloads: like {@code GoldenRequests}, but each file opens with {@code #} lines naming the
 * public source the request was checked against (kept when the file is rewritten with
 * {@code -Dchartbridge.writeGolden=true}); the rest is compared exactly.
 */
final class VeradigmGolden {
    private static final Path ROOT = Path.of("src", "test", "resources", "golden", "veradigm");

    private VeradigmGolden() {
    }

    static void assertMatches(String type, String actual) {
        Path file = ROOT.resolve(type + ".txt");
        try {
            String stored = Files.exists(file) ? Files.readString(file) : "";
            String header = header(stored);
            if (Boolean.getBoolean("chartbridge.writeGolden")) {
                Files.writeString(file, header + actual);
                stored = header + actual;
            }
            assertThat(header).as("%s names the source it was checked against", file).contains("# checked against:");
            assertThat(actual).as("request for veradigm %s differs from %s", type, file)
                    .isEqualTo(stored.substring(header.length()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String header(String text) {
        int end = 0;
        while (text.startsWith("#", end)) {
            int nl = text.indexOf('\n', end);
            end = nl < 0 ? text.length() : nl + 1;
        }
        return text.substring(0, end);
    }
}
