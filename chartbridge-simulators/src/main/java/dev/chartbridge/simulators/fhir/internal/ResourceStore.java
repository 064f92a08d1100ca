package dev.chartbridge.simulators.fhir.internal;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import org.hl7.fhir.r4.model.Resource;

/**
 * In-memory, versioned storage of FHIR resources: type to id to every version, oldest first. Each stored
 * version gets {@code meta.versionId} (1, 2, 3...) and {@code meta.lastUpdated}. Callers get copies, so
 * nothing outside can change what is stored.
 *
 * <p>This class is thread-safe: every method holds the store's lock, and {@link #atomically(Supplier)}
 * lets a caller search and write as one step (conditional create, If-Match).
 */
public final class ResourceStore {

  private final Map<String, Map<String, List<Resource>>> versions = new LinkedHashMap<>();
  private long lastAssignedId;

  /** Runs {@code action} while holding the store's lock. */
  public synchronized <T> T atomically(Supplier<T> action) {
    return action.get();
  }

  /** Stores {@code resource} under a new server-assigned id as version 1; returns the stored copy. */
  public synchronized Resource create(Resource resource) {
    String type = resource.fhirType();
    String id;
    do {
      id = Long.toString(++lastAssignedId);
    } while (history(type, id) != null);
    return put(type, id, resource);
  }

  /** Stores {@code resource} as the next version of {@code type/id} (version 1 if new); returns the copy. */
  public synchronized Resource put(String type, String id, Resource resource) {
    List<Resource> history = versions
        .computeIfAbsent(type, t -> new LinkedHashMap<>())
        .computeIfAbsent(id, i -> new ArrayList<>());
    String version = Integer.toString(history.size() + 1);
    Resource stored = resource.copy();
    stored.setId(type + "/" + id + "/_history/" + version);
    stored.getMeta().setVersionId(version).setLastUpdated(new Date());
    history.add(stored);
    return stored.copy();
  }

  /** The current version of {@code type/id}. */
  public synchronized Optional<Resource> read(String type, String id) {
    List<Resource> history = history(type, id);
    return history == null ? Optional.empty() : Optional.of(history.get(history.size() - 1).copy());
  }

  /** Version {@code version} of {@code type/id}. */
  public synchronized Optional<Resource> read(String type, String id, String version) {
    List<Resource> history = history(type, id);
    int index;
    try {
      index = Integer.parseInt(version) - 1;
    } catch (NumberFormatException e) {
      return Optional.empty();
    }
    return history == null || index < 0 || index >= history.size()
        ? Optional.empty()
        : Optional.of(history.get(index).copy());
  }

  /** The current version of every stored resource of {@code type}, in creation order. */
  public synchronized List<Resource> current(String type) {
    List<Resource> out = new ArrayList<>();
    versions.getOrDefault(type, Map.of()).values().forEach(h -> out.add(h.get(h.size() - 1).copy()));
    return out;
  }

  /**
   * The current version of every stored resource of {@code type} that {@code filter} accepts, in creation
   * order. The filter sees the stored objects and must not change them; only matches are copied, so a search
   * (or a conditional create) costs a scan, not a copy of the whole store.
   */
  public synchronized List<Resource> current(String type, java.util.function.Predicate<Resource> filter) {
    List<Resource> out = new ArrayList<>();
    for (List<Resource> h : versions.getOrDefault(type, Map.of()).values()) {
      Resource latest = h.get(h.size() - 1);
      if (filter.test(latest)) {
        out.add(latest.copy());
      }
    }
    return out;
  }

  /** The current version of every stored resource of every type. */
  public synchronized List<Resource> current() {
    List<Resource> out = new ArrayList<>();
    versions.keySet().forEach(type -> out.addAll(current(type)));
    return out;
  }

  /** The types that have at least one stored resource. */
  public synchronized List<String> types() {
    return List.copyOf(versions.keySet());
  }

  /** Deletes {@code type/id} with its history (reads answer 404 afterwards); false if it was not stored. */
  public synchronized boolean remove(String type, String id) {
    Map<String, List<Resource>> ofType = versions.get(type);
    return ofType != null && ofType.remove(id) != null;
  }

  /** In one step: forgets everything, restarts server-assigned ids and stores {@code seed} under their ids. */
  public synchronized void reseed(Collection<? extends Resource> seed) {
    clear();
    seed.forEach(r -> put(r.fhirType(), r.getIdElement().getIdPart(), r));
  }

  /** Forgets everything and restarts server-assigned ids. */
  public synchronized void clear() {
    versions.clear();
    lastAssignedId = 0;
  }

  private List<Resource> history(String type, String id) {
    return versions.getOrDefault(type, Map.of()).get(id);
  }
}
