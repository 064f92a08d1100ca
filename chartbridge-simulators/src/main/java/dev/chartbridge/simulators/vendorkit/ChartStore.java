package dev.chartbridge.simulators.vendorkit;

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
    for (int i = 0; i < entries.size(); i++) {
      Entry e = entries.get(i);
      if (e.id().equals(id)) {
        Map<String, String> fields = new LinkedHashMap<>(e.fields());
        int edits = Integer.parseInt(fields.getOrDefault(EDITED_FIELD, "0")) + 1;
        fields.put(EDITED_FIELD, Integer.toString(edits));
        entries.set(i, new Entry(e.kind(), e.id(), e.patientId(), Collections.unmodifiableMap(fields), e.storedAt()));
        stats.recordFault(FaultKind.CONCURRENT_EDIT);
        return Integer.toString(edits);
      }
    }
    throw new NoSuchElementException(id);
  }

  /** Forgets everything and restarts the ids. */
  public synchronized void clear() {
    entries.clear();
    lastId = 0;
  }

  /** One stored record; {@code fields} are the vendor's own field names. */
  public record Entry(String kind, String id, String patientId, Map<String, String> fields, String storedAt) {}
}
