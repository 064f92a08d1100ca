package dev.chartbridge.core.delivery;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * No class but {@link OperationStates} inserts operations or writes their state, so none can change a state without
 * queuing its webhook notice. Reads the gateway's sources (every module's {@code src/main/java} except the bench,
 * which seeds backlogs of millions of rows straight into the schema, with no webhooks registered).
 */
class OperationStatesTest {
    /** An insert of an operation, or an update of operations with its {@code SET} list (group 1). */
    private static final Pattern WRITE = Pattern.compile("INSERT\\s+INTO\\s+write_operation\\b"
            + "|UPDATE\\s+write_operation\\b(?:\\s+\\w+)?\\s+SET\\b((?:(?!\\bWHERE\\b|\\bFROM\\b).)*)",
            Pattern.DOTALL | Pattern.CASE_INSENSITIVE);
    private static final Pattern STATE = Pattern.compile("(?<![\\w.])state\\s*=", Pattern.CASE_INSENSITIVE);

    @Test
    void only_operation_states_writes_the_state_of_an_operation() throws IOException {
        List<String> writers = new ArrayList<>();
        try (Stream<Path> modules = Files.list(Path.of(".."))) {
            for (Path main : modules.filter(m -> !m.getFileName().toString().equals("chartbridge-bench"))
                    .map(m -> m.resolve("src/main/java")).filter(Files::isDirectory).toList()) {
                try (Stream<Path> files = Files.walk(main)) {
                    for (Path f : files.filter(p -> p.toString().endsWith(".java")).toList()) {
                        // String literals joined, as the statement reaches the database.
                        String source = Files.readString(f).replaceAll("\"\\s*\\+\\s*\"", "");
                        Matcher m = WRITE.matcher(source);
                        while (m.find()) {
                            if (m.group(1) == null || STATE.matcher(m.group(1)).find()) {
                                writers.add(f.getFileName().toString());
                            }
                        }
                    }
                }
            }
        }
        // Its two inserts and two moves: the scan sees them, so it would see any other.
        assertThat(writers).containsOnly("OperationStates.java").hasSize(4);
    }
}
