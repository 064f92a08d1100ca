package dev.chartbridge.simulators.auth;

/**
 * A FHIR REST interaction a bearer token is checked for, with the SMART v2 permission letter that allows
 * it. SMART v1 {@code read} covers read and search, {@code write} covers create, update and delete.
 */
public enum Interaction {
  READ('r'),
  SEARCH('s'),
  CREATE('c'),
  UPDATE('u'),
  DELETE('d');

  private final char letter;

  Interaction(char letter) {
    this.letter = letter;
  }

  /** The SMART v2 permission letter. */
  public char letter() {
    return letter;
  }

  /** Whether this interaction changes data. */
  public boolean isWrite() {
    return this == CREATE || this == UPDATE || this == DELETE;
  }

  /** The interaction of an HTTP request on a FHIR path ({@code /Type}, {@code /Type/id}, {@code /Type/_search}). */
  public static Interaction of(String method, String pathInfo) {
    String[] parts = pathInfo == null ? new String[0] : pathInfo.replaceFirst("^/", "").split("/");
    boolean instance = parts.length >= 2 && !parts[1].startsWith("_");
    return switch (method) {
      case "POST" -> parts.length >= 2 && parts[1].equals("_search") ? SEARCH : CREATE;
      case "PUT", "PATCH" -> UPDATE;
      case "DELETE" -> DELETE;
      default -> instance ? READ : SEARCH;
    };
  }
}
