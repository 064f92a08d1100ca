package dev.chartbridge.app.console;

/**
 * What every console page shows around its content: who is signed in, for which tenant, the CSRF token its forms
 * post back, and a notice or error left by the last action. Public only because the compiled templates read it.
 *
 * @param admin  whether the key signed in with is the tenant's administrator's (release controls may be changed)
 * @param notice what the last action did, or null
 * @param error  why the last action was refused, or null
 */
public record Chrome(String tenant, String operator, String csrf, boolean admin, String section, String notice,
                     String error) {
}
