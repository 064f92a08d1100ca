package dev.chartbridge.ehr.advancedmd;

import dev.chartbridge.simulators.vendorkit.SettableClock;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.LinkedHashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** AdvancedMD's wire rules without a server: the request document, fault forms, action classes, the budget. */
class PpmdWireTest {

    @Test
    void text_outside_latin1_travels_as_character_references_and_reads_back_unchanged() {
        String text = "Café — 5 µg, naïve “quoted”\nline two";
        Map<String, String> a = new LinkedHashMap<>();
        a.put("patientid", "pat1");
        String xml = PpmdXml.message("addehrnote", "api", "11/22/2026 12:00:00 PM", "TOKEN", a,
                PpmdXml.element("field", Map.of("value", text)));

        assertThat(xml).startsWith("<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?><ppmdmsg action=\"addehrnote\""
                + " class=\"api\" msgtime=\"11/22/2026 12:00:00 PM\" nocookie=\"1\" patientid=\"pat1\">"
                + "<usercontext>TOKEN</usercontext>");
        assertThat(xml.chars()).allMatch(c -> c < 0x80);
        Document doc = PpmdXml.parse(xml.getBytes(StandardCharsets.ISO_8859_1));
        assertThat(PpmdXml.first(doc, "field").getAttribute("value")).isEqualTo(text);
    }

    @Test
    void the_login_carries_no_session_and_no_nocookie() {
        String xml = PpmdXml.message("login", "login", "11/22/2026 12:00:00 PM", null, Map.of("username", "u"), "");

        assertThat(xml).endsWith("<ppmdmsg action=\"login\" class=\"login\" msgtime=\"11/22/2026 12:00:00 PM\""
                + " username=\"u\"/>");
    }

    @Test
    void faults_are_read_in_the_detail_form_and_the_flatter_attribute_form() {
        Document detail = PpmdXml.parse(("<PPMDResults><Results success=\"0\"/><Error><Fault><detail><code>1025"
                + "</code><description>Session has timed out</description></detail></Fault></Error></PPMDResults>")
                .getBytes(StandardCharsets.UTF_8));
        Document flat = PpmdXml.parse("<PPMDResults><Error Code=\"2051\" Description=\"Invalid attribute\"/></PPMDResults>"
                .getBytes(StandardCharsets.UTF_8));
        Document success = PpmdXml.parse("<PPMDResults><Results success=\"1\"/></PPMDResults>"
                .getBytes(StandardCharsets.UTF_8));

        assertThat(PpmdXml.fault(detail)).containsExactly("1025", "Session has timed out");
        assertThat(PpmdXml.fault(flat)).containsExactly("2051", "Invalid attribute");
        assertThat(PpmdXml.fault(success)).isNull();
        assertThat(PpmdClient.sessionLapsed(new PpmdTransport.Answer(200, detail, null))).isTrue();
    }

    @Test
    void actions_fall_in_their_cost_class_and_ehr_writes_in_the_most_restrictive() {
        assertThat(ActionTier.of("addehrnote")).isEqualTo(ActionTier.TIER_1);
        assertThat(ActionTier.of("addehrproblem")).isEqualTo(ActionTier.TIER_1);
        assertThat(ActionTier.of("getupdatedvisits")).isEqualTo(ActionTier.TIER_1);
        assertThat(ActionTier.of("getehrnotes")).isEqualTo(ActionTier.TIER_2);
        assertThat(ActionTier.of("getdemographic")).isEqualTo(ActionTier.TIER_2);
        assertThat(ActionTier.of("lookuppatient")).isEqualTo(ActionTier.TIER_3);
        assertThat(ActionTier.of("somethingunlisted")).isEqualTo(ActionTier.TIER_3);
        assertThat(ActionTier.of("login")).isEqualTo(ActionTier.LOGIN);
    }

    @Test
    void the_budget_keeps_each_class_at_ninety_percent_of_its_cap_and_counts_what_it_took() {
        SettableClock clock = new SettableClock(Instant.parse("2026-11-24T17:00:00Z")); // Tuesday 10:00 Mountain
        CallBudget budget = new CallBudget(null, CallBudget.WINDOW, clock, "test-office",
                new io.micrometer.core.instrument.simple.SimpleMeterRegistry());
        int tier2 = 0;
        while (budget.tryTake(ActionTier.TIER_2) == null) {
            tier2++;
        }

        assertThat(tier2).isEqualTo(10); // floor(12 * 0.9)
        assertThat(budget.tryTake(ActionTier.TIER_1)).isNull();
        assertThat(budget.tryTake(ActionTier.TIER_1)).as("tier 1 at peak: one a minute").isNotNull();
        assertThat(budget.tryTake(ActionTier.LOGIN)).isNull();
        assertThat(budget.tryTake(ActionTier.LOGIN)).isBetween(Duration.ofSeconds(59), Duration.ofSeconds(61));
        assertThat(budget.taken(ActionTier.TIER_2)).isEqualTo(10);
        assertThat(budget.taken(ActionTier.TIER_1)).isEqualTo(1);
        clock.set(Instant.parse("2026-11-22T19:00:00Z")); // Sunday: off-peak
        assertThat(budget.limit(ActionTier.TIER_1, clock.instant())).isEqualTo(54);
    }

    @Test
    void msgtime_is_the_practices_local_time() {
        SettableClock clock = new SettableClock(Instant.parse("2026-11-22T19:05:09Z"));
        AdvancedMdSettings settings = new AdvancedMdSettings("https://partnerlogin.advancedmd.com/x", "u", "p", "1",
                "APP", null, CallBudget.WINDOW, null, ZoneId.of("America/Denver"), null, null, null,
                Duration.ofMinutes(55), Duration.ofSeconds(5), Duration.ofSeconds(15));

        assertThat(SessionLogin.msgtime(clock, settings)).isEqualTo("11/22/2026 12:05:09 PM");
    }
}
