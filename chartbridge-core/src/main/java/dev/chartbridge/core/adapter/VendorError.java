package dev.chartbridge.core.adapter;

/**
 * A vendor's answer normalized: the class the gateway acts on, and the vendor's own code and message kept as
 * they came (OperationOutcome text, athena errormessage, eCW error key ...). Never carries PHI from the request.
 */
public record VendorError(ErrorClass errorClass, String vendorCode, String message) {
    public static VendorError of(ErrorClass errorClass, String message) {
        return new VendorError(errorClass, null, message);
    }
}
