package dev.chartbridge.simulators.athena.internal;

import java.util.function.BooleanSupplier;

/**
 * How the simulator words the answers on which the public sources disagree or are silent. Normal mode plays the
 * recorded sandbox answers (HTD-Health/athena_health cassettes) and metriport's schemas; strict mode answers each
 * such point in a second plausible way, so that an adapter relying on one wording is caught. Thread-safe.
 */
public final class AnswerStyle {

  private final BooleanSupplier strict;

  public AnswerStyle(BooleanSupplier strict) {
    this.strict = strict;
  }

  public boolean strict() {
    return strict.getAsBoolean();
  }

  /**
   * {@code success}: the string "true" as the recorded sandbox answers it, or a JSON boolean (go-athenahealth's
   * fixtures) in strict mode.
   */
  // evidence: athena.answer.success-flag
  Object success(boolean ok) {
    return strict() ? (Object) ok : Boolean.toString(ok);
  }

  /** An id: a string in the recorded answers, a number in go-athenahealth's fixtures (strict). */
  // evidence: athena.id.numeric-or-string
  Object id(String id) {
    return strict() && id.matches("\\d{1,18}") ? (Object) Long.parseLong(id) : id;
  }
}
