package dev.chartbridge.ehr.auth;

import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Whether the scopes a token endpoint granted cover those asked for, reading SMART v1 and v2 spellings alike
 * (https://hl7.org/fhir/smart-app-launch/scopes-and-launch-context.html: v2 {@code c r u d s}; v1 {@code read} is
 * {@code rs}, {@code write} is {@code cud}, {@code *} all), so a vendor that answers a v2 request in v1 spellings
 * (Epic does) is not taken for one that refused. A scope outside the {@code context/Type.permissions} form must be
 * granted as spelled. Stateless.
 */
public final class GrantedScopes {
    private GrantedScopes() {
    }

    /** The scopes in {@code asked} that {@code granted} (a space-separated {@code scope} answer) does not cover. */
    public static List<String> notCovered(List<String> asked, String granted) {
        Map<String, String> letters = new HashMap<>();
        List<String> grantedList = Arrays.asList(granted.trim().split("\\s+"));
        for (String g : grantedList) {
            String[] parts = split(g);
            if (parts != null) {
                letters.merge(parts[0], letters(parts[1]), String::concat);
            }
        }
        return asked.stream().filter(a -> {
            if (grantedList.contains(a)) {
                return false;
            }
            String[] parts = split(a);
            if (parts == null) {
                return true;
            }
            String have = letters.getOrDefault(parts[0], "")
                    + letters.getOrDefault(parts[0].substring(0, parts[0].indexOf('/') + 1) + "*", "");
            return !letters(parts[1]).chars().allMatch(c -> have.indexOf(c) >= 0);
        }).toList();
    }

    /** {@code [context/Type, permissions]}, or null for a scope of another form. */
    private static String[] split(String scope) {
        int slash = scope.indexOf('/');
        int dot = scope.lastIndexOf('.');
        return slash > 0 && dot > slash ? new String[] {scope.substring(0, dot), scope.substring(dot + 1)} : null;
    }

    private static String letters(String permissions) {
        return switch (permissions) {
            case "read" -> "rs";
            case "write" -> "cud";
            case "*" -> "cruds";
            default -> permissions.replaceAll("\\?.*$", "");
        };
    }
}
