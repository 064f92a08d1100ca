package dev.chartbridge.core.formulary;

import dev.chartbridge.core.ChartBridgeException;
import dev.chartbridge.core.event.MedicationChangePayload;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A formulary read once from a CSV file: one line per RxNorm concept, {@code code,decision[,reason]} where the
 * decision is {@code allow} or {@code deny}; the line {@code *,allow} or {@code *,deny,reason} decides for every code
 * not listed (default: allow). Blank lines and lines starting with {@code #} are ignored. Immutable and thread-safe.
 */
public final class FileFormulary implements Formulary {
    private record Entry(boolean allowed, String reason) {
    }

    private final Map<String, Entry> entries;
    private final Entry unlisted;

    private FileFormulary(Map<String, Entry> entries, Entry unlisted) {
        this.entries = Map.copyOf(entries);
        this.unlisted = unlisted;
    }

    /** @throws ChartBridgeException when the file cannot be read or a line is not {@code code,allow|deny[,reason]} */
    public static FileFormulary load(Path file) {
        List<String> lines;
        try {
            lines = Files.readAllLines(file);
        } catch (IOException e) {
            throw new ChartBridgeException("formulary " + file + " could not be read: " + e.getMessage(), e);
        }
        Map<String, Entry> entries = new HashMap<>();
        Entry unlisted = new Entry(true, null);
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            String[] cells = line.split(",", 3);
            String code = cells[0].strip();
            String decision = cells.length > 1 ? cells[1].strip() : "";
            if (!(code.equals("*") || code.matches("\\d{1,10}")) || !(decision.equals("allow") || decision.equals("deny"))) {
                throw new ChartBridgeException("formulary " + file + " line " + (i + 1)
                        + ": expected <RxNorm code or *>,<allow|deny>[,reason]");
            }
            String reason = cells.length > 2 && !cells[2].isBlank() ? cells[2].strip() : null;
            Entry entry = new Entry(decision.equals("allow"), reason);
            if (code.equals("*")) {
                unlisted = entry;
            } else {
                entries.put(code, entry);
            }
        }
        return new FileFormulary(entries, unlisted);
    }

    @Override
    public FormularyDecision decide(MedicationChangePayload change) {
        String code = change.medication().code();
        Entry entry = entries.get(code);
        Entry decided = entry != null ? entry : unlisted;
        if (decided.allowed()) {
            return FormularyDecision.allow();
        }
        return FormularyDecision.refuse("RxNorm " + code + (decided.reason() != null ? ": " + decided.reason()
                : " is not on the tenant's formulary"));
    }
}
