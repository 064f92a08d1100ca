package dev.chartbridge.ehr.athena;

import com.fasterxml.jackson.databind.JsonNode;
import dev.chartbridge.core.adapter.Exchange;
import dev.chartbridge.core.adapter.VendorError;
import dev.chartbridge.ehr.auth.AuthException;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads a paged athena list to its end: {@code limit}/{@code offset} on the first request, then the answer's
 * {@code next} link (below {@code /v1/{practiceid}}) until there is none. A list longer than {@link #MAX_PAGES}
 * pages, a page without the named array, or a {@code totalcount} the pages do not reach is an answer the adapter
 * cannot rely on: the caller gets an error, never a partial list taken for the whole. Stateless.
 */
// evidence: athena.paging.limit-offset
final class AthenaPages {
    static final int PAGE_SIZE = 100;
    static final int MAX_PAGES = 50;

    private AthenaPages() {
    }

    /** All rows, or why not; the exchange is the last page's. */
    record Listed(List<JsonNode> rows, VendorError error, Exchange exchange) {
    }

    /**
     * @param pathAndQuery below {@code /v1/{practiceid}}, with its own query (limit and offset are added)
     * @param arrayName    the array of rows in each page
     * @param described    the request as the ledger shows it
     */
    static Listed list(AthenaApi api, String pathAndQuery, String arrayName, String described) {
        List<JsonNode> rows = new ArrayList<>();
        String next = pathAndQuery + (pathAndQuery.contains("?") ? "&" : "?") + "limit=" + PAGE_SIZE + "&offset=0";
        Exchange ex = new Exchange(described, null, 0);
        long total = -1;
        for (int page = 0; next != null; page++) {
            if (page >= MAX_PAGES) {
                return new Listed(null, AthenaContext.unrecognised("more than " + MAX_PAGES + " pages"), ex);
            }
            AthenaApi.Answer a;
            try {
                a = api.get(next);
            } catch (AuthException e) {
                return new Listed(null, AthenaOutcomes.ofAuth(e), ex);
            } catch (IOException e) {
                return new Listed(null, AthenaOutcomes.ofFailure(e), ex);
            }
            ex = new Exchange(described, null, a.status());
            if (a.status() != 200) {
                return new Listed(null, AthenaOutcomes.error(a), ex);
            }
            if (a.body() == null || !a.body().path(arrayName).isArray()) {
                return new Listed(null, AthenaContext.unrecognised("no " + arrayName + " array"), ex);
            }
            a.body().get(arrayName).forEach(rows::add);
            total = a.body().path("totalcount").asLong(total);
            next = nextPage(a.body().path("next").asText(null));
        }
        if (total > rows.size()) {
            return new Listed(null, AthenaContext.unrecognised(arrayName + ": totalcount " + total + " but "
                    + rows.size() + " rows listed"), ex);
        }
        return new Listed(List.copyOf(rows), null, ex);
    }

    /** athena's {@code next}: {@code /v1/{practiceid}/...}; the API is already rooted at the practice. */
    static String nextPage(String next) {
        if (next == null || next.isBlank()) {
            return null;
        }
        return next.replaceFirst("^/v1/[^/]+", "");
    }
}
