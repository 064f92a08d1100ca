/**
 * Building blocks shared by the vendor simulators (athenahealth, AdvancedMD, Veradigm): a settable clock,
 * fixed-window rate limits, issued bearer tokens, client-secret checks, a store of non-FHIR chart records
 * and a FHIR facade driven by a vendor's published CapabilityStatement. Not for the gateway: the
 * simulators share no code with it.
 */
package dev.chartbridge.simulators.vendorkit;
