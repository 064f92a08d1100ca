package dev.chartbridge.app.http;

import com.fasterxml.jackson.databind.JsonNode;
import dev.chartbridge.core.event.AuthorRole;
import dev.chartbridge.core.json.FieldError;
import dev.chartbridge.core.json.Json;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Binds an event to the user its request's assertion verified: the author must be that user (by NPI) or the
 * clinician the token says the user acts for ({@code on_behalf_of}), with the role the token states for them; an
 * AI-assisted note's attester must be the user. The intake's medication-role and break-glass gates read the
 * author's role from the body, so once the body's role is bound to the token's they decide on the token's word.
 * Where no user is verified (the tenant takes the app's word), nothing is checked here. Thread-safe (stateless).
 */
final class IdentityBinding {
    private IdentityBinding() {
    }

    /**
     * The fields of the event that are not the verified user's, or empty. A body that is not JSON yields nothing
     * here: the intake reports it.
     */
    static List<FieldError> check(byte[] body, UserAssertions.VerifiedUser user) {
        JsonNode event;
        try {
            event = Json.MAPPER.readTree(body);
        } catch (IOException e) {
            return List.of();
        }
        if (event == null || !event.isObject()) {
            return List.of();
        }
        List<FieldError> errors = new ArrayList<>();
        JsonNode npi = event.at("/author/npi");
        if (npi.isTextual()) {
            AuthorRole vouched = null;
            boolean known = false;
            if (user.npi() != null && user.npi().equals(npi.asText())) {
                vouched = user.role();
                known = true;
            } else if (user.onBehalfOf() != null && user.onBehalfOf().npi().equals(npi.asText())) {
                vouched = user.onBehalfOf().role();
                known = true;
            }
            if (!known) {
                errors.add(new FieldError("/author/npi", user.npi() == null
                        ? "cannot be checked: the verified user's token states no npi"
                        : "is not the verified user's NPI, nor a clinician the token says the user acts for ("
                        + UserAssertions.ON_BEHALF_OF + ")"));
            } else {
                JsonNode role = event.at("/author/role");
                if (vouched == null) {
                    errors.add(new FieldError("/author/role",
                            "cannot be checked: the verified user's token states no role"));
                } else if (role.isTextual() && !role.asText().equals(vouched.wireName())) {
                    errors.add(new FieldError("/author/role", "is not the role the verified user's token states ("
                            + vouched.wireName() + ")"));
                }
            }
        }
        JsonNode attester = event.at("/provenance/attestation/byNpi");
        if (attester.isTextual() && (user.npi() == null || !user.npi().equals(attester.asText()))) {
            errors.add(new FieldError("/provenance/attestation/byNpi",
                    "is not the verified user's NPI: only the user may attest, in their own name"));
        }
        return errors;
    }
}
