package dev.chartbridge.ehr.athena;

import dev.chartbridge.core.adapter.SendOutcome;
import dev.chartbridge.core.event.ClinicalEvent;
import dev.chartbridge.simulators.RecordedRequest;
import dev.chartbridge.simulators.athena.AthenaSimulator;
import dev.chartbridge.simulators.athena.AthenaSimulatorExtension;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * For every event type athenahealth takes, the exact requests that reached the simulator's chart API (method,
 * path, the headers that matter, the form body, and the body decoded for review) equal the reviewed file
 * {@code src/test/resources/golden/athenahealth/<type>.txt}. After a deliberate mapping change, regenerate with
 * {@code mvn -pl chartbridge-ehr test -Dtest=AthenaGoldenPayloadTest -Dchartbridge.writeGolden=true}, then review
 * the diff line by line against docs/simulators.md (athenahealth) before committing it.
 */
class AthenaGoldenPayloadTest {
    private static final Path GOLDEN = Path.of("src", "test", "resources", "golden", "athenahealth");
    /** What each file was checked against (docs/evidence/athenahealth.yaml has the entries). */
    private static final java.util.Map<String, String> SOURCES = java.util.Map.of(
            "vitals", "docs.athenahealth.com/api/api-ref/vitals-encounters (POST /chart/encounter/{encounterid}/vitals);"
                    + " metriport/metriport packages/core/src/external/ehr/athenahealth/index.ts createVitals"
                    + " (vitals as [[{clinicalelementid, value, readingtaken}]], returnvitalids=true)",
            "note", "eleanorhealth/go-athenahealth athenahealth/documents.go AddClinicalDocument;"
                    + " metriport index.ts createClinicalDocument (documentdata, documentsubclass, observationdate)",
            "condition", "HTD-Health/athena_health spec/fixtures/vcr_cassettes/create_patient_problem.yml;"
                    + " metriport index.ts createProblem (snomedcode, departmentid, startdate, note)",
            "allergy", "HTD-Health/athena_health spec/fixtures/vcr_cassettes/update_patient_allergies.yml (PUT);"
                    + " metriport index.ts createAllergy (allergies JSON with allergenid from /reference/allergies)",
            "medication-change", "HTD-Health/athena_health spec/fixtures/vcr_cassettes/add_patient_medication.yml;"
                    + " metriport index.ts createMedicationWithStatements (medicationid from /reference/medications,"
                    + " unstructuredsig, providernote, startdate)");

    @RegisterExtension
    static final AthenaSimulatorExtension SIM = new AthenaSimulatorExtension();

    @ParameterizedTest
    @ValueSource(strings = {"vitals", "note", "condition", "allergy", "medication-change"})
    void the_request_that_reaches_athena_is_the_reviewed_one(String type) throws Exception {
        AthenaSimulator sim = SIM.simulator();
        AthenaAdapter adapter = AthenaFixture.adapter(sim);
        ClinicalEvent event = AthenaFixture.parse(AthenaFixture.example(type));
        int parts = event.payload().parts();
        for (int part = 0; part < parts; part++) {
            assertThat(adapter.send(AthenaFixture.write(event, part))).as(type).isInstanceOf(SendOutcome.Created.class);
        }
        List<RecordedRequest> writes = AthenaFixture.writes(sim);
        assertThat(writes).hasSize(parts);
        String actual = "# checked against: " + SOURCES.get(type) + "\n\n" + render(writes);
        Path file = GOLDEN.resolve(type + ".txt");
        if (Boolean.getBoolean("chartbridge.writeGolden")) {
            Files.createDirectories(GOLDEN);
            Files.writeString(file, actual);
        }
        assertThat(actual).as("golden file %s (regenerate: -Dchartbridge.writeGolden=true, then review)", file)
                .isEqualTo(Files.readString(file));
    }

    /** Method, path, headers (sorted; credentials by scheme only), raw body, then each form field decoded. */
    static String render(List<RecordedRequest> requests) {
        StringBuilder out = new StringBuilder();
        for (RecordedRequest r : requests) {
            out.append(r.method()).append(' ').append(r.pathAndQuery()).append('\n');
            r.headers().forEach((k, v) -> out.append(k).append(": ").append(v).append('\n'));
            out.append('\n').append(r.bodyText()).append("\n\n# form, decoded for review:\n");
            for (String pair : r.bodyText().split("&")) {
                String[] kv = pair.split("=", 2);
                out.append(URLDecoder.decode(kv[0], StandardCharsets.UTF_8)).append(" = ")
                        .append(kv.length > 1 ? URLDecoder.decode(kv[1], StandardCharsets.UTF_8) : "").append('\n');
            }
            out.append("----\n");
        }
        return out.toString();
    }
}
