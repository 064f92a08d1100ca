package dev.chartbridge.ehr.auth;

/** One round trip to a vendor's token (or session) endpoint. Throws {@link AuthException} when refused. */
@FunctionalInterface
public interface TokenFetcher {
    IssuedToken fetch();
}
