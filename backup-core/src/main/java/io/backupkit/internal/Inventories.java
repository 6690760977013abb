package io.backupkit.internal;

import io.backupkit.Inventory;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Consumer;

/**
 * Runs a plan's inventories on a folder and compares a snapshot's inventory with a restored target's. A failing
 * inventory is a warning, never a failed run: it is information for the user, not data.
 *
 * <pre>{@code
 * Map<String, List<String>> recorded = Inventories.list(plan.inventories(), plan.source(), log::warn);
 * Map<String, List<String>> missing = Inventories.missing(recorded, plan.inventories(), target, log::warn);
 * }</pre>
 */
public final class Inventories {

    private Inventories() {
    }

    /**
     * @param inventories the inventories by name
     * @param folder the folder to list
     * @param warn receives one warning per inventory that failed (left out of the result)
     * @return each inventory's entries, sorted, without duplicates or blank entries, in the order of the names
     */
    public static Map<String, List<String>> list(Map<String, Inventory> inventories, Path folder,
                                                 Consumer<String> warn) {
        Map<String, List<String>> out = new LinkedHashMap<>();
        inventories.forEach((name, inventory) -> {
            try {
                out.put(name, clean(inventory.list(folder)));
            } catch (IOException | RuntimeException e) {
                warn.accept("Inventory '" + name + "' of " + folder + " could not be listed: "
                        + (e instanceof IOException io ? SourceScanner.describe(io) : e.toString()));
            }
        });
        return out;
    }

    /**
     * @param recorded the snapshot's inventories
     * @param inventories the plan's inventories
     * @param target the restored folder
     * @param warn receives one warning per inventory that could not be listed there
     * @return for each recorded inventory the plan can list, the recorded entries the target lacks
     */
    public static Map<String, List<String>> missing(Map<String, List<String>> recorded,
                                                    Map<String, Inventory> inventories, Path target,
                                                    Consumer<String> warn) {
        Map<String, Inventory> known = new LinkedHashMap<>();
        for (String name : recorded.keySet()) {
            if (inventories.containsKey(name)) {
                known.put(name, inventories.get(name));
            }
        }
        Map<String, List<String>> present = list(known, target, warn);
        Map<String, List<String>> out = new LinkedHashMap<>();
        present.forEach((name, there) -> {
            Set<String> have = new HashSet<>(there);
            List<String> lacking = new ArrayList<>();
            for (String entry : recorded.get(name)) {
                if (!have.contains(entry)) {
                    lacking.add(entry);
                }
            }
            out.put(name, List.copyOf(lacking));
        });
        return out;
    }

    private static List<String> clean(List<String> entries) {
        Set<String> sorted = new TreeSet<>();
        if (entries != null) {
            for (String e : entries) {
                if (e != null && !e.isBlank()) {
                    sorted.add(e.strip());
                }
            }
        }
        return List.copyOf(sorted);
    }
}
