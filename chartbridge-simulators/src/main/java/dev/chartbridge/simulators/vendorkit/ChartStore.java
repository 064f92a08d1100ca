package dev.chartbridge.simulators.vendorkit;

import dev.chartbridge.simulators.ChartEditor;
import dev.chartbridge.simulators.FaultKind;
import dev.chartbridge.simulators.Faults;
import dev.chartbridge.simulators.SimulatorStats;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.function.LongFunction;
import java.util.function.UnaryOperator;

/**
 * What a vendor simulator's proprietary API has written: flat records of a kind ({@code problem},
 * {@code vitals}, {@code ehrnote}...) per patient, in arrival order. No versions and no idempotency: every
 * accepted write is a new record, as at the vendors. Applies the {@code dropFields} fault (keyed by kind)
 * and performs the concurrent-edit fault. Thread-safe: every method holds the store's lock.
 */
public final class ChartStore {

  /** Field a concurrent edit sets on the record it edits. */
  public static final String EDITED_FIELD = "editedByAnotherUser";

  private final LongFunction<String> ids;
  private final Clock clock;
  private final Faults faults;
  private final SimulatorStats stats;
  private final List<Entry> entries = new ArrayList<>();
  private long lastId;

  /**
   * @param ids formats the n-th id in the vendor's style (e.g. {@code n -> "note" + n})
   */
  public ChartStore(LongFunction<String> ids, Clock clock, Faults faults, SimulatorStats stats) {
    this.ids = ids;
    this.clock = clock;
    this.faults = faults;
    this.stats = stats;
  }

  /** Stores a new record (minus any fields the {@code dropFields} fault names for {@code kind}). */
  public synchronized Entry add(String kind, String patientId, Map<String, String> fields) {
    Map<String, String> kept = new LinkedHashMap<>(fields);
    List<String> drops = faults.plan().dropFields().getOrDefault(kind, List.of());
    if (kept.keySet().removeAll(drops)) {
      stats.recordFault(FaultKind.DROP_FIELDS);
    }
    Entry entry = new Entry(kind, ids.apply(++lastId), patientId, Collections.unmodifiableMap(kept),
        clock.instant().toString());
    entries.add(entry);
    stats.recordCreate();
    return entry;
  }

  /** Records of {@code kind} (null for any) for {@code patientId} (null for any), oldest first. */
  public synchronized List<Entry> list(String kind, String patientId) {
    return entries.stream()
        .filter(e -> kind == null || e.kind().equals(kind))
        .filter(e -> patientId == null || e.patientId().equals(patientId))
        .toList();
  }

  /** The record with {@code id}. */
  public synchronized Optional<Entry> find(String id) {
    return entries.stream().filter(e -> e.id().equals(id)).findFirst();
  }

  /**
   * "Another user" edits record {@code id}: sets {@link #EDITED_FIELD}. The vendors keep no versions, so
   * the answer is the number of edits so far.
   *
   * @throws NoSuchElementException if no such record
   */
  public synchronized String edit(String id) {
    Entry edited = replace(null, id, e -> e.with(EDITED_FIELD,
        Integer.toString(Integer.parseInt(e.fields().getOrDefault(EDITED_FIELD, "0")) + 1)));
    stats.recordFault(FaultKind.CONCURRENT_EDIT);
    return edited.fields().get(EDITED_FIELD);
  }

  /**
   * A clinician's later edits of these records, the record named {@code kind/id}: a status change sets
   * {@code statusField} (the vendor's own name for it, e.g. athena's {@code status}, Unity's {@code Status});
   * a deletion removes the record, so that the vendor's reads no longer list it. Neither keeps a version (the
   * vendors keep none), and neither counts as a fault.
   */
  public ChartEditor editor(String statusField) {
    return new ChartEditor() {
      @Override
      public String setStatus(String reference, String status) {
        replace(reference, e -> e.with(statusField, status));
        return null;
      }

      @Override
      public void delete(String reference) {
        replace(reference, e -> null);
      }

      private void replace(String reference, UnaryOperator<Entry> change) {
        int slash = reference.indexOf('/');
        if (slash < 1) {
          throw new NoSuchElementException("not a kind/id reference: " + reference);
        }
        ChartStore.this.replace(reference.substring(0, slash), reference.substring(slash + 1), change);
      }
    };
  }

  /**
   * Replaces the record {@code id} (of {@code kind}, or of any kind when null) by what {@code change} makes of
   * it; null removes it. Returns the replacement.
   */
  private synchronized Entry replace(String kind, String id, UnaryOperator<Entry> change) {
    for (int i = 0; i < entries.size(); i++) {
      Entry e = entries.get(i);
      if (e.id().equals(id) && (kind == null || e.kind().equals(kind))) {
        Entry changed = change.apply(e);
        if (changed == null) {
          entries.remove(i);
        } else {
          entries.set(i, changed);
        }
        return changed;
      }
    }
    throw new NoSuchElementException(kind == null ? id : kind + "/" + id);
  }

  /** Forgets everything and restarts the ids. */
  public synchronized void clear() {
    entries.clear();
    lastId = 0;
  }

  /** One stored record; {@code fields} are the vendor's own field names. */
  public record Entry(String kind, String id, String patientId, Map<String, String> fields, String storedAt) {
    /** This record with {@code field} set to {@code value}. */
    Entry with(String field, String value) {
      Map<String, String> changed = new LinkedHashMap<>(fields);
      changed.put(field, value);
      return new Entry(kind, id, patientId, Collections.unmodifiableMap(changed), storedAt);
    }
  }
}
