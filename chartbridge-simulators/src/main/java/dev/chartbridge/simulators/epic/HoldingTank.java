package dev.chartbridge.simulators.epic;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Epic's holding tank: created Conditions and AllergyIntolerances wait for a clinician to reconcile them
 * and cannot be read or searched until then ({@code ehr-vendors.md}, Epic, Condition.Create). Here a test
 * or the control API "reconciles" them with {@link #release}. Thread-safe.
 */
public final class HoldingTank {

  /** Types whose creates land in the tank. */
  public static final Set<String> HELD_TYPES = Set.of("Condition", "AllergyIntolerance");

  private final Set<String> held = new LinkedHashSet<>();

  synchronized void hold(String reference) {
    held.add(reference);
  }

  /** Whether {@code reference} ({@code Type/id}) is waiting in the tank. */
  public synchronized boolean isHeld(String reference) {
    return held.contains(reference);
  }

  /** The references waiting, oldest first. */
  public synchronized List<String> held() {
    return List.copyOf(held);
  }

  /** Releases {@code reference}; returns whether it was held. */
  public synchronized boolean release(String reference) {
    return held.remove(reference);
  }

  /** Releases everything; returns what was held. */
  public synchronized List<String> releaseAll() {
    List<String> released = List.copyOf(held);
    held.clear();
    return released;
  }
}
