package dev.chartbridge.ehr.fhir;

import ca.uhn.fhir.rest.api.CacheControlDirective;
import dev.chartbridge.core.adapter.ErrorClass;
import dev.chartbridge.core.adapter.Exchange;
import dev.chartbridge.core.adapter.VendorError;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.Resource;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * A search run against one FHIR server and its searchset read as the specification says
 * (http.html#search, search.html#searchset: {@code Bundle.entry.search.mode}): only entries of mode {@code match}
 * (or of no mode) and of the searched type are results; {@code OperationOutcome} entries ({@code outcome}) are
 * the server's messages about the search: warnings and information are kept as warnings (Epic's 4101 "no
 * results"), an {@code error} or {@code fatal} issue means the search failed and nothing can be concluded from its
 * entries. Every search asks the server not to answer from a cache ({@code Cache-Control: no-cache}: HAPI FHIR's
 * JPA server reuses search results for a minute by default), pages are followed to the end (at most
 * {@value #MAX_PAGES}: a longer search fails, since its unread pages could hold what was searched for). Thread-safe.
 */
// evidence: fhir.search.mode, fhir.search.no-cache, epic.search.warning-entry
final class Searchset {
    static final int MAX_PAGES = 20;
    private static final CacheControlDirective NO_CACHE = new CacheControlDirective().setNoCache(true);

    private final FhirServer server;
    private final FhirRecordUpdater.Calls calls;

    Searchset(FhirServer server, FhirRecordUpdater.Calls calls) {
        this.server = server;
        this.calls = calls;
    }

    /** The results of a search: matches of the searched type, and the server's warnings about it. */
    record Results(List<Resource> matches, List<String> warnings, Exchange exchange) {
    }

    /** The search failed: no answer, an HTTP error, or an error outcome in the searchset. */
    static final class Failed extends RuntimeException {
        private final transient VendorError error;
        private final transient Exchange exchange;
        private final transient Duration retryAfter;

        Failed(VendorError error, Exchange exchange, Duration retryAfter) {
            super(error.message(), null, false, false);
            this.error = error;
            this.exchange = exchange;
            this.retryAfter = retryAfter;
        }

        VendorError error() {
            return error;
        }

        Exchange exchange() {
            return exchange;
        }

        Duration retryAfter() {
            return retryAfter;
        }
    }

    /**
     * Runs {@code query} and reads every page.
     *
     * @throws Failed when the search failed in any way
     */
    Results run(SearchRules.Query query) {
        String url = query.url();
        // The ledger's request line names the parameters, never their values (no PHI).
        String described = "GET " + query.type() + "?" + String.join("&", paramNames(url));
        List<Resource> matches = new ArrayList<>();
        List<String> warnings = new ArrayList<>();
        try {
            Bundle page = calls.call(() -> server.client().search().byUrl(url).cacheControl(NO_CACHE)
                    .returnBundle(Bundle.class).execute());
            for (int pages = 0; page != null; pages++) {
                read(page, query.type(), matches, warnings, described);
                if (page.getLink(Bundle.LINK_NEXT) == null) {
                    break;
                }
                if (pages + 1 == MAX_PAGES) {
                    // Unread pages may hold the record searched for: nothing can be concluded from the rest. The
                    // same search would be as long again, so it is not a passing failure: a lookup that meets it
                    // goes to review ("ambiguous", FhirOutcomes.lookupFailure) rather than being deferred and redone.
                    throw new Failed(new VendorError(ErrorClass.UNKNOWN, "ambiguous", "the search has more than "
                            + MAX_PAGES + " pages; the rest were not read"), new Exchange(described, null, 200), null);
                }
                Bundle current = page;
                Supplier<Bundle> next = () -> server.client().loadPage().next(current)
                        .cacheControl(NO_CACHE).execute();
                page = calls.call(next);
            }
        } catch (Failed f) {
            throw f;
        } catch (RuntimeException e) {
            throw new Failed(FhirOutcomes.error(e), new Exchange(described, null, FhirOutcomes.status(e)),
                    FhirOutcomes.retryAfter(e));
        }
        return new Results(List.copyOf(matches), List.copyOf(warnings), new Exchange(described, null, 200));
    }

    static void read(Bundle page, String type, List<Resource> matches, List<String> warnings,
                             String described) {
        for (Bundle.BundleEntryComponent entry : page.getEntry()) {
            Resource r = entry.getResource();
            Bundle.SearchEntryMode mode = entry.hasSearch() && entry.getSearch().hasMode()
                    ? entry.getSearch().getMode() : null;
            if (r instanceof OperationOutcome outcome
                    && (mode == null || mode == Bundle.SearchEntryMode.OUTCOME) && !type.equals("OperationOutcome")) {
                for (OperationOutcome.OperationOutcomeIssueComponent issue : outcome.getIssue()) {
                    String code = FhirOutcomes.issueCode(issue);
                    String text = FhirOutcomes.issueText(issue);
                    if (issue.getSeverity() == OperationOutcome.IssueSeverity.ERROR
                            || issue.getSeverity() == OperationOutcome.IssueSeverity.FATAL) {
                        throw new Failed(new VendorError(ErrorClass.UNKNOWN, code,
                                "the search failed: " + text), new Exchange(described, null, 200), null);
                    }
                    warnings.add(code == null ? text : code + " " + text);
                }
                continue;
            }
            if (r != null && r.fhirType().equals(type)
                    && (mode == null || mode == Bundle.SearchEntryMode.MATCH)) {
                matches.add(r);
            }
        }
    }

    private static List<String> paramNames(String url) {
        int q = url.indexOf('?');
        if (q < 0) {
            return List.of();
        }
        List<String> names = new ArrayList<>();
        for (String pair : url.substring(q + 1).split("&")) {
            names.add(pair.split("=", 2)[0]);
        }
        return names;
    }
}
