package dev.chartbridge.ehr.athena;

import java.util.List;
import java.util.Map;

/**
 * One write as athenaOne takes it: the record kind, where it is posted and listed, the form fields in the order
 * sent, and what the chart must hold afterwards (the critical fields of each record the write creates: one, or
 * one per reading for vitals). The expected records are both the write's content fingerprint for reconciliation
 * and the reference for read-back. Immutable.
 *
 * @param postPath  below {@code /v1/{practiceid}}
 * @param listPath  the patient's collection of this kind, read to reconcile and to verify
 * @param listName  the array in the list answer ({@code problems}, {@code vitals} ...)
 * @param idField   the id field of the create answer and of each listed record
 * @param expected  critical fields of each created record, in creation order
 */
record AthenaWrite(String kind, String postPath, String listPath, String listName, String idField,
                   Map<String, String> form, List<Map<String, String>> expected) {

    /** The ids field of the create answer: {@code vitalids} (an array) for vitals, else {@link #idField()}. */
    String answerIdField() {
        return kind.equals("vitals") ? "vitalids" : idField;
    }

    /** The request as the ledger shows it: method and path with the patient or encounter id left out. */
    String described() {
        return "POST " + postPath.replaceAll("/\\d+", "/{id}");
    }
}
