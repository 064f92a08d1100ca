package dev.chartbridge.app;

import dev.chartbridge.app.cli.ChartBridgeCli;
import dev.chartbridge.core.audit.AuditCheckpoint;
import dev.chartbridge.core.audit.AuditCheckpoints;
import dev.chartbridge.core.audit.AuditKeys;
import dev.chartbridge.core.audit.AuditSealer;
import dev.chartbridge.core.audit.PhiReads;
import dev.chartbridge.ehr.FhirContexts;
import dev.chartbridge.simulators.fhir.SeedData;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The audit trail exported as FHIR R4 passes the HAPI validator; `audit verify` names tampered entries. */
class AuditExportTest {
    @RegisterExtension
    static GatewayExtension env = new GatewayExtension("audit-node", t -> t);

    @Test
    void exported_audit_events_and_provenance_pass_the_r4_validator() {
        String id = env.gateway().submit(Events.of("note"), "audited-note").body().get("id").asText();
        assertThat(env.gateway().awaitSettled(id).get("status").asText()).isEqualTo("delivered");
        String patient = URLEncoder.encode(SeedData.MRN_SYSTEM + "|" + SeedData.MRN_MARIA, StandardCharsets.UTF_8);

        ApiClient.Answer export = env.gateway().send(java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://127.0.0.1:"
                        + env.gateway().gateway().port() + "/v1/audit?patient=" + patient))
                .header("Authorization", "Bearer " + TestGateway.KEY).GET().build());
        assertThat(export.status()).isEqualTo(200);
        List<String> lines = export.text().lines().toList();
        List<IBaseResource> resources = lines.stream()
                .map(l -> (IBaseResource) FhirContexts.r4().newJsonParser().parseResource(l)).toList();
        assertThat(resources).extracting(r -> r.fhirType())
                .contains("AuditEvent", "Provenance");
        assertThat(lines.stream().filter(l -> l.contains("\"AuditEvent\"") && l.contains(id)
                        && !l.contains(PhiReads.READ)).count())
                .as("accepted; the note created and verified; its Provenance held, released, created, verified")
                .isEqualTo(7);
        List<String> exported = lines.stream().filter(l -> l.startsWith("{\"resourceType\":\"Provenance\"")).toList();
        assertThat(exported).as("one Provenance per landed write, none of the Provenance sent with the note")
                .noneMatch(l -> l.contains("\"reference\":\"Provenance/"))
                .filteredOn(l -> l.contains("\"reference\":\"DocumentReference/")).hasSize(1);

        R4Validation validator = new R4Validation();
        for (IBaseResource r : resources) {
            assertThat(errors(validator, r)).as("%s: %s", r.fhirType(), lines).isEmpty();
        }
        String provenance = lines.stream().filter(l -> l.contains("\"Provenance\"") && l.contains("DocumentReference/"))
                .findFirst().orElseThrow();
        assertThat(provenance).contains("\"code\":\"assembler\"").contains("\"code\":\"verifier\"")
                .contains("urn:chartbridge:transcript");
    }

    @Test
    void a_read_of_an_event_is_audited_naming_the_key_and_exported_as_an_ihe_balp_read() {
        String id = env.gateway().submit(Events.bloodPressure(90), "read-audited").body().get("id").asText();
        env.gateway().awaitSettled(id);
        String reads = "SELECT count(*) FROM audit_entry WHERE action = 'phi.read' AND event_id = '" + id + "'";
        long before = env.pg().count(reads);
        assertThat(env.gateway().status(id).status()).isEqualTo(200);
        assertThat(env.pg().count(reads)).isEqualTo(before + 1);
        String key = env.pg().text("SELECT actor FROM audit_entry WHERE action = 'event.accepted' AND event_id = '"
                + id + "'");
        assertThat(key).startsWith("apikey:");
        assertThat(env.pg().text("SELECT actor || ' ' || detail FROM audit_entry WHERE action = 'phi.read'"
                + " AND event_id = '" + id + "' ORDER BY id DESC LIMIT 1"))
                .isEqualTo(key + " {\"what\":\"event-status\"}");

        long mark = env.pg().count("SELECT max(id) FROM audit_entry");
        String patient = URLEncoder.encode(SeedData.MRN_SYSTEM + "|" + SeedData.MRN_MARIA, StandardCharsets.UTF_8);
        ApiClient.Answer export = env.gateway().getWithKey("/v1/audit?patient=" + patient);
        assertThat(export.status()).isEqualTo(200);
        String read = export.text().lines().filter(l -> l.contains(PhiReads.READ) && l.contains(id)).findFirst()
                .orElseThrow();
        assertThat(read).contains("https://profiles.ihe.net/ITI/BALP/StructureDefinition/IHE.BasicAudit.PatientRead")
                .contains("\"code\":\"read\"").contains("\"action\":\"R\"").contains("\"code\":\"110153\"")
                .contains("\"code\":\"110152\"").contains(key).contains(SeedData.MRN_MARIA);
        assertThat(errors(new R4Validation(), FhirContexts.r4().newJsonParser().parseResource(read))).isEmpty();
        assertThat(env.gateway().getWithKey("/v1/review").status()).isEqualTo(200);

        // The export and the review list were reads too: queries, the export's naming the patient.
        List<String> after = env.gateway().getWithKey("/v1/audit?cursor=" + mark).text().lines().toList();
        String query = after.stream().filter(l -> l.contains("audit-export")).findFirst().orElseThrow();
        assertThat(query).contains("IHE.BasicAudit.PatientQuery").contains("\"code\":\"search-type\"")
                .contains("\"action\":\"E\"").contains("\"code\":\"24\"").contains(SeedData.MRN_MARIA);
        assertThat(errors(new R4Validation(), FhirContexts.r4().newJsonParser().parseResource(query))).isEmpty();
        assertThat(after).anySatisfy(l -> assertThat(l).contains("review-list").contains("IHE.BasicAudit.Query"));
    }

    /**
     * The validator's errors but the one that the IHE BALP profiles are unknown to it: the BALP package is not on
     * the test classpath, so reads are validated as base R4 AuditEvents and their BALP shape by the assertions.
     */
    private static List<String> errors(R4Validation validator, IBaseResource r) {
        return validator.errors(r).stream().filter(m -> !(m.getMessage().contains("profiles.ihe.net/ITI/BALP")
                && "Validation_VAL_Profile_Unknown".equals(m.getMessageId()))).map(Object::toString).toList();
    }

    static AuditKeys keys() {
        try {
            return AuditKeys.derive(java.util.Base64.getDecoder().decode(java.nio.file.Files.readString(
                    TestGateway.masterKeyFile(env.pg().url())).trim()));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Test
    void audit_verify_with_checkpoints_names_a_chain_cut_after_its_checkpoint(@TempDir java.nio.file.Path dir) {
        String id = env.gateway().submit(Events.bloodPressure(78), "to-cut").body().get("id").asText();
        env.gateway().awaitSettled(id);
        new AuditSealer(env.pg().jdbc(), 1000, keys()).sealAll();
        assertThat(new AuditCheckpoints(env.pg().jdbc(), keys(), dir, java.time.Clock.systemUTC()).write())
                .isPositive();
        // The checkpoint's own seq, not the newest seal read afterwards: the live node may have sealed more since.
        long head = AuditCheckpoints.read(dir, keys()).stream().filter(c -> c.tenantId().equals("acme"))
                .mapToLong(AuditCheckpoint::seq).max().orElseThrow();
        env.pg().execute("SET session_replication_role = replica;"
                + " DELETE FROM audit_entry WHERE id IN (SELECT entry_id FROM audit_seal WHERE tenant_id = 'acme'"
                + " AND seq > " + (head - 2) + "); DELETE FROM audit_seal WHERE tenant_id = 'acme' AND seq > "
                + (head - 2) + "; SET session_replication_role = origin");

        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        PrintStream original = System.out;
        System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
        int exit;
        try {
            exit = new CommandLine(new ChartBridgeCli()).execute("audit", "verify", "--db-url", env.pg().url(),
                    "--master-key-file", TestGateway.masterKeyFile(env.pg().url()).toString(),
                    "--checkpoints", dir.toString());
        } finally {
            System.setOut(original);
        }
        String out = captured.toString(StandardCharsets.UTF_8);
        assertThat(exit).as(out).isEqualTo(1);
        // The live node may seal a new entry onto the shortened chain before the check: then seq `head` is back
        // with another hash, which the checkpoint names as a recomputed chain.
        assertThat(out).containsPattern("BROKEN tenant=acme seq=" + head + " entry=null: (tail cut|chain recomputed)");
    }

    @Test
    void audit_verify_names_an_altered_and_a_deleted_entry() {
        String id = env.gateway().submit(Events.bloodPressure(77), "to-tamper").body().get("id").asText();
        env.gateway().awaitSettled(id);
        new AuditSealer(env.pg().jdbc(), 1000, keys()).sealAll();
        long altered = env.pg().count("SELECT min(id) FROM audit_entry WHERE event_id = '" + id + "'");
        long deleted = env.pg().count("SELECT max(id) FROM audit_entry WHERE event_id = '" + id + "'");
        env.pg().execute("SET session_replication_role = replica;"
                + " UPDATE audit_entry SET actor = 'someone-else' WHERE id = " + altered + ";"
                + " DELETE FROM audit_entry WHERE id = " + deleted + ";"
                + " SET session_replication_role = origin");

        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        PrintStream original = System.out;
        System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
        int exit;
        try {
            exit = new CommandLine(new ChartBridgeCli()).execute("audit", "verify", "--db-url", env.pg().url(),
                    "--master-key-file", TestGateway.masterKeyFile(env.pg().url()).toString());
        } finally {
            System.setOut(original);
        }
        String out = captured.toString(StandardCharsets.UTF_8);
        assertThat(exit).as(out).isEqualTo(1);
        assertThat(out).contains("entry " + altered + " was altered").contains("entry " + deleted + " was deleted");
    }

    @Test
    void the_export_by_patient_is_paged_by_cursor_never_cut_and_found_through_indexes() throws Exception {
        String first = env.gateway().submit(Events.bloodPressure(80), "paged-80").body().get("id").asText();
        String second = env.gateway().submit(Events.bloodPressure(81), "paged-81").body().get("id").asText();
        env.gateway().awaitSettled(first);
        env.gateway().awaitSettled(second);
        String identifier = "[{\"system\":\"" + SeedData.MRN_SYSTEM + "\",\"value\":\"" + SeedData.MRN_MARIA + "\"}]";
        long entries = env.pg().count("SELECT count(*) FROM audit_entry e JOIN clinical_event ev ON ev.id = e.event_id"
                + " WHERE ev.body -> 'patient' -> 'identifiers' @> '" + identifier + "'");
        assertThat(entries).as("more than one page").isGreaterThan(2);

        List<String> auditEvents = new java.util.ArrayList<>();
        String next = "/v1/audit?limit=2&patient="
                + URLEncoder.encode(SeedData.MRN_SYSTEM + "|" + SeedData.MRN_MARIA, StandardCharsets.UTF_8);
        int pages = 0;
        while (next != null) {
            ApiClient.Answer page = env.gateway().getWithKey(next);
            assertThat(page.status()).as(page.text()).isEqualTo(200);
            List<String> lines = page.text().lines().filter(l -> l.contains("\"AuditEvent\"")).toList();
            assertThat(lines.size()).isLessThanOrEqualTo(2);
            auditEvents.addAll(lines);
            String link = page.header("Link");
            next = link == null ? null : link.substring(link.indexOf('<') + 1, link.indexOf('>'));
            pages++;
        }
        assertThat(auditEvents).as("every entry once, across pages").hasSize((int) entries).doesNotHaveDuplicates();
        assertThat(pages).isEqualTo((int) ((entries + 1) / 2));

        java.nio.file.Path file = java.nio.file.Files.createTempFile("audit-export", ".ndjson");
        int exit = new CommandLine(new ChartBridgeCli()).execute("audit", "export", "--db-url", env.pg().url(),
                "--tenant", TestGateway.TENANT, "--patient", SeedData.MRN_SYSTEM + "|" + SeedData.MRN_MARIA,
                "--out", file.toString());
        assertThat(exit).isZero();
        assertThat(java.nio.file.Files.readAllLines(file).stream().filter(l -> l.contains("\"AuditEvent\"")))
                .hasSize((int) entries);

        assertThat(plan("EXPLAIN SELECT id FROM clinical_event WHERE body -> 'patient' -> 'identifiers' @> '"
                + identifier + "'")).contains("clinical_event_patient_identifiers");
        assertThat(plan("EXPLAIN SELECT min(due_at) FROM outbox WHERE due_at <= now()")).contains("outbox_due");
    }

    /** The plan PostgreSQL picks when a scan of the table is off the table: which index serves the query. */
    private static String plan(String explain) {
        return env.pg().jdbc().inTransaction(c -> {
            try (var s = c.createStatement()) {
                s.execute("SET LOCAL enable_seqscan = off");
                StringBuilder plan = new StringBuilder();
                try (var rs = s.executeQuery(explain)) {
                    while (rs.next()) {
                        plan.append(rs.getString(1)).append('\n');
                    }
                }
                return plan.toString();
            }
        });
    }
}
