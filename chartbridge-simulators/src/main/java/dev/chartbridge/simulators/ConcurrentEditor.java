package dev.chartbridge.simulators;

/**
 * What a simulator does when a test asks "another user" to edit a stored record: it updates the record so
 * that its version moves on and a writer holding the old version gets a conflict.
 */
@FunctionalInterface
public interface ConcurrentEditor {

  /**
   * Edits the stored record named by {@code reference} (e.g. {@code Observation/123}).
   *
   * @return the new version id
   * @throws java.util.NoSuchElementException if no such record is stored
   */
  String edit(String reference);
}
