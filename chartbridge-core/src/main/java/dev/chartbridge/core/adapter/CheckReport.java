package dev.chartbridge.core.adapter;

import java.util.ArrayList;
import java.util.List;

/**
 * What a live check of one EHR connection found, item by item ({@code chartbridge check},
 * {@code GET /v1/connections/{name}/check}): the server's published capabilities against the vendor profile, the
 * credential and the scopes granted, one harmless read. Each item is PASS, WARN or FAIL with a detail in the
 * gateway's words, never patient data. Immutable.
 */
public record CheckReport(List<Item> items) {

    /** The verdict on one item. Ordered from best to worst. */
    public enum Verdict { PASS, WARN, FAIL }

    /** One thing checked: a short name ({@code metadata}, {@code writes}, {@code token} ...), its verdict, why. */
    public record Item(String name, Verdict verdict, String detail) {
        public static Item pass(String name, String detail) {
            return new Item(name, Verdict.PASS, detail);
        }

        public static Item warn(String name, String detail) {
            return new Item(name, Verdict.WARN, detail);
        }

        public static Item fail(String name, String detail) {
            return new Item(name, Verdict.FAIL, detail);
        }
    }

    public CheckReport {
        items = List.copyOf(items);
    }

    /** The report of an adapter that has only its {@link ConnectionCheck}: one item named {@code connection}. */
    public static CheckReport of(ConnectionCheck check) {
        Verdict verdict = switch (check.status()) {
            case UP -> Verdict.PASS;
            case DOWN -> Verdict.FAIL;
            case UNCHECKED -> Verdict.WARN;
        };
        return new CheckReport(List.of(new Item("connection", verdict, check.detail())));
    }

    /** The worst verdict of any item; PASS for none. */
    public Verdict verdict() {
        Verdict worst = Verdict.PASS;
        for (Item i : items) {
            if (i.verdict().compareTo(worst) > 0) {
                worst = i.verdict();
            }
        }
        return worst;
    }

    /** Collects items in order. Not thread-safe. */
    public static final class Builder {
        private final List<Item> items = new ArrayList<>();

        public Builder add(Item item) {
            items.add(item);
            return this;
        }

        public Builder addAll(CheckReport report) {
            items.addAll(report.items());
            return this;
        }

        public boolean failed() {
            return items.stream().anyMatch(i -> i.verdict() == Verdict.FAIL);
        }

        public CheckReport build() {
            return new CheckReport(items);
        }
    }
}
