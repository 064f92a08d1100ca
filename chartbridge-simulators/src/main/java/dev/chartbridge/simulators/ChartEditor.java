package dev.chartbridge.simulators;

import java.util.NoSuchElementException;

/**
 * A clinician's later work on a stored record in the simulated EHR, as the EHR's own screens would do it (not
 * through its API): a status change, and, where the EHR deletes records at all, a deletion. What read-back
 * watching has to notice. Served as {@code POST /_sim/chart/{type}/{id}/status} and
 * {@code DELETE /_sim/chart/{type}/{id}}; an amendment is the {@code concurrent-edit} fault. Implementations are
 * thread-safe.
 */
public interface ChartEditor {

  /**
   * Sets the status of the record named by {@code reference} ({@code Type/id} or {@code kind/id}), in the EHR's
   * own vocabulary.
   *
   * @return the new version id, or null where the EHR keeps no versions
   * @throws NoSuchElementException if no such record is stored
   * @throws IllegalArgumentException if the record has no status of that kind
   */
  String setStatus(String reference, String status);

  /**
   * Deletes the record, so that the EHR's API no longer answers it.
   *
   * @throws NoSuchElementException if no such record is stored
   * @throws UnsupportedOperationException where the EHR never deletes a record once it is readable
   */
  default void delete(String reference) {
    throw new UnsupportedOperationException("this EHR does not delete a record once it is readable");
  }
}
