package dev.chartbridge.rig;

import dev.chartbridge.rig.demo.Demo;
import dev.chartbridge.simulators.fhir.SeedData;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/** A whole demo run's output and operational logs hold none of the seeded patients' names or identifiers. */
class LogsHoldNoPhiTest {

    @Test
    void a_full_demo_run_logs_no_patient_names_identifiers_or_clinical_text() throws Exception {
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        PrintStream originalErr = System.err;
        PrintStream originalOut = System.out;
        PrintStream tee = new PrintStream(new Tee(captured, originalErr), true, StandardCharsets.UTF_8);
        System.setErr(tee);
        System.setOut(tee);
        boolean ok;
        try {
            ok = new Demo(tee).run(Duration.ofSeconds(60));
        } finally {
            System.setErr(originalErr);
            System.setOut(originalOut);
        }
        String output = captured.toString(StandardCharsets.UTF_8);

        assertThat(ok).as(output).isTrue();
        assertThat(output).contains("formattedMessage").contains("Demo succeeded");
        for (String name : List.of("Maria", "Mario", "Garcia", "James Smith", "Lee Chen", "Ada Park", "Okafor")) {
            assertThat(output).as("name %s", name).doesNotContainIgnoringCase(name);
        }
        // An MRN as a value ("1001", system|1001, mrn=1001, MRN 1001); an EHR's own record id that happens to be
        // 1001 (athena numbers its records from 1001) is not patient data.
        for (String mrn : List.of(SeedData.MRN_MARIA, SeedData.MRN_MARIO, SeedData.MRN_JAMES,
                SeedData.MRN_AMBIGUOUS, "V5001", "1980-04-12", "04/12/1980")) {
            assertThat(Pattern.compile("(?i)([\"|=:]|mrn\\W{0,3})" + Pattern.quote(mrn) + "(?![0-9A-Za-z])")
                    .matcher(output).find()).as("identifier %s", mrn).isFalse();
        }
        for (String clinical : List.of("chest pain", "lisinopril", "hypertension", "blood pressure recheck")) {
            assertThat(output).as("clinical text %s", clinical).doesNotContainIgnoringCase(clinical);
        }
    }

    /** Writes to the capture and still to the console, so a failing run stays readable. */
    private static final class Tee extends OutputStream {
        private final OutputStream a;
        private final OutputStream b;

        Tee(OutputStream a, OutputStream b) {
            this.a = a;
            this.b = b;
        }

        @Override
        public void write(int c) throws java.io.IOException {
            a.write(c);
            b.write(c);
        }

        @Override
        public void write(byte[] buf, int off, int len) throws java.io.IOException {
            a.write(buf, off, len);
            b.write(buf, off, len);
        }
    }
}
