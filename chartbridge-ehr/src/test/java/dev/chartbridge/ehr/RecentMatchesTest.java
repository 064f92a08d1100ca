package dev.chartbridge.ehr;

import dev.chartbridge.simulators.vendorkit.SettableClock;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The lookups adapters reuse (patients and encounters matched in the EHR): served until their time is up, then
 * gone; and a node that meets ever more patients holds only the recent ones (the FHIR and AdvancedMD/Veradigm
 * caches kept every match they ever made, issue #17's review).
 */
class RecentMatchesTest {

    @Test
    void a_match_is_served_until_its_time_is_up_and_not_after() {
        SettableClock clock = new SettableClock(Instant.parse("2026-12-07T12:00:00Z"));
        RecentMatches<String> matches = new RecentMatches<>(clock);
        matches.put("Patient|mrn|1", "p-1", Duration.ofMinutes(2));
        clock.advance(Duration.ofSeconds(119));
        assertThat(matches.get("Patient|mrn|1")).isEqualTo("p-1");
        clock.advance(Duration.ofSeconds(1));
        assertThat(matches.get("Patient|mrn|1")).isNull();
        assertThat(matches.size()).as("an expired entry read is dropped").isZero();
    }

    @Test
    void a_node_meeting_ever_more_patients_holds_only_the_recent_ones() {
        SettableClock clock = new SettableClock(Instant.parse("2026-12-07T12:00:00Z"));
        RecentMatches<String> matches = new RecentMatches<>(clock);
        // A month of patients at a new one every second: each match lives two minutes.
        for (int i = 0; i < 200_000; i++) {
            matches.put("Patient|mrn|" + i, "p-" + i, Duration.ofMinutes(2));
            clock.advance(Duration.ofSeconds(1));
        }
        assertThat(matches.size()).as("at most the first purge's size, twice the live ones, not all 200,000")
                .isLessThanOrEqualTo(RecentMatches.FIRST_PURGE + 1);
        assertThat(matches.get("Patient|mrn|199999")).isEqualTo("p-199999");
        assertThat(matches.get("Patient|mrn|0")).isNull();
    }

    @Test
    void when_every_entry_is_live_the_purge_waits_for_the_map_to_double_instead_of_running_on_every_put() {
        SettableClock clock = new SettableClock(Instant.parse("2026-12-07T12:00:00Z"));
        RecentMatches<String> matches = new RecentMatches<>(clock);
        int many = 3 * RecentMatches.FIRST_PURGE;
        for (int i = 0; i < many; i++) {
            matches.put("Patient|mrn|" + i, "p-" + i, Duration.ofHours(1));
        }
        assertThat(matches.size()).as("nothing expired, nothing dropped").isEqualTo(many);
        assertThat(matches.get("Patient|mrn|0")).isEqualTo("p-0");
    }
}
