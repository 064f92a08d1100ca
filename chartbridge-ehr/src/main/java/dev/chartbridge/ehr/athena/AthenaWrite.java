package dev.chartbridge.ehr.athena;

import java.util.List;
import java.util.Map;

/**
 * One write as athenaOne takes it, and what athena's read of it must then show: the record kind, the request
 * (method, path, form fields in the order sent), where the chart is read back, and the expected records in
 * athena's READ field names ({@link AthenaReadMapping}), which are not the write form's (a problem's
 * {@code snomedcode} reads back as {@code code}). The expected records are both the content fingerprint for
 * reconciliation and the reference for verification: one record, or one per vitals reading. Immutable.
 *
 * @param path        below {@code /v1/{practiceid}}
 * @param readPath    the patient's (or encounter's) records of this kind, read to reconcile and to verify
 * @param answerId    the id field of the write's answer, or null when athena answers no id (allergies)
 * @param knownId     the record's id known before sending (an allergy's {@code allergenid}), else null
 * @param expected    each record's critical fields in athena's read names, in creation order
 */
record AthenaWrite(String kind, String method, String path, Map<String, String> form, String readPath,
                   String answerId, String knownId, List<Map<String, String>> expected) {

    /** The request as the ledger shows it: method and path with the ids left out. */
    String described() {
        return method + " " + path.replaceAll("/\\d+", "/{id}");
    }
}
