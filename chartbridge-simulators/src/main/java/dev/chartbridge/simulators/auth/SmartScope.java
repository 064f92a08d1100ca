package dev.chartbridge.simulators.auth;

import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A parsed SMART resource scope such as {@code system/Observation.c} (v2) or {@code system/Observation.write}
 * (v1), reduced to its context, resource type and the set of v2 permission letters it grants. Immutable.
 *
 * @param context {@code system}, {@code user} or {@code patient}
 * @param type a resource type or {@code *}
 * @param permissions v2 letters among {@code cruds}
 * @param v1 whether the scope was written in the v1 spelling
 */
public record SmartScope(String context, String type, Set<Character> permissions, boolean v1) {

  private static final Pattern GRAMMAR =
      Pattern.compile("^(system|user|patient)/([A-Za-z*]+)\\.(read|write|\\*|c?r?u?d?s?)(\\?.*)?$");

  public SmartScope {
    permissions = Set.copyOf(permissions);
  }

  /** Parses {@code scope}; empty for a non-resource scope ({@code openid}, {@code launch}...). */
  public static Optional<SmartScope> parse(String scope) {
    Matcher m = GRAMMAR.matcher(scope);
    if (!m.matches() || m.group(3).isEmpty()) {
      return Optional.empty();
    }
    String action = m.group(3);
    Set<Character> letters = new TreeSet<>();
    boolean v1 = switch (action) {
      case "read" -> add(letters, "rs");
      case "write" -> add(letters, "cud");
      case "*" -> add(letters, "cruds");
      default -> !add(letters, action);
    };
    return Optional.of(new SmartScope(m.group(1), m.group(2), letters, v1));
  }

  private static boolean add(Set<Character> letters, String chars) {
    chars.chars().forEach(c -> letters.add((char) c));
    return true;
  }

  /** Whether this scope grants everything {@code other} asks for. */
  public boolean covers(SmartScope other) {
    return context.equals(other.context)
        && (type.equals("*") || type.equals(other.type))
        && permissions.containsAll(other.permissions);
  }

  /** Whether this scope allows {@code interaction} on {@code resourceType}. */
  public boolean allows(String resourceType, Interaction interaction) {
    return (type.equals("*") || type.equals(resourceType)) && permissions.contains(interaction.letter());
  }

  /**
   * The SMART v1 spelling(s) of this scope: {@code read} if it grants r or s, {@code write} if it grants
   * c, u or d (Epic answers {@code system/Observation.write} to a request for {@code system/Observation.c}).
   */
  public Set<String> v1Spellings() {
    Set<String> out = new TreeSet<>();
    String prefix = context + "/" + type + ".";
    if (permissions.contains('r') || permissions.contains('s')) {
      out.add(prefix + "read");
    }
    if (permissions.contains('c') || permissions.contains('u') || permissions.contains('d')) {
      out.add(prefix + "write");
    }
    return out;
  }
}
