package io.backupkit.examples.profiles;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.backupkit.Inventory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;

/**
 * How each application's installed plugins are listed from its data folder, as {@link Inventory} functions. A
 * missing plugin folder lists nothing. Where each layout comes from is in the module's README ("Profiles").
 *
 * <pre>{@code
 * PluginInventories.jellyfin("plugins").list(Path.of("/var/lib/jellyfin"));   // [Trakt 26.0.0.0, ...]
 * }</pre>
 */
final class PluginInventories {

    private static final ObjectMapper JSON = new ObjectMapper();

    private PluginInventories() {
    }

    /**
     * @param folder the plugin folder, relative to the data folder
     * @return the names of the {@code *.bundle} folders in it (Plex)
     */
    static Inventory bundles(String folder) {
        return named("the folders named *.bundle in " + folder, data -> {
            List<String> out = new ArrayList<>();
            for (Path p : children(data.resolve(folder))) {
                String name = p.getFileName().toString();
                if (Files.isDirectory(p) && name.toLowerCase(Locale.ROOT).endsWith(".bundle")) {
                    out.add(name);
                }
            }
            return out;
        });
    }

    /**
     * @param folder the plugin folder, relative to the data folder
     * @param extension a file name ending, e.g. {@code .dll}
     * @return the names of the files with that ending in it (Emby)
     */
    static Inventory files(String folder, String extension) {
        return named("the *" + extension + " files in " + folder, data -> {
            List<String> out = new ArrayList<>();
            for (Path p : children(data.resolve(folder))) {
                String name = p.getFileName().toString();
                if (Files.isRegularFile(p) && name.toLowerCase(Locale.ROOT).endsWith(extension)) {
                    out.add(name);
                }
            }
            return out;
        });
    }

    /**
     * Jellyfin's layout: one folder per plugin (and version), whose {@code meta.json} names it ({@code name},
     * {@code version}). A folder without a readable {@code meta.json} counts by its own name when it holds a
     * {@code .dll}, as Jellyfin itself loads such folders; other folders ({@code configurations}) are not plugins.
     *
     * @param folder the plugin folder, relative to the data folder
     * @return {@code "Name Version"} per plugin, or the folder's name
     */
    static Inventory jellyfin(String folder) {
        return named("the plugin folders in " + folder + " (name and version from meta.json)", data -> {
            List<String> out = new ArrayList<>();
            for (Path p : children(data.resolve(folder))) {
                if (!Files.isDirectory(p)) {
                    continue;
                }
                String fromMeta = meta(p.resolve("meta.json"));
                if (fromMeta != null) {
                    out.add(fromMeta);
                } else if (holdsDll(p)) {
                    out.add(p.getFileName().toString());
                }
            }
            return out;
        });
    }

    /**
     * A plugin folder of {@code owner/name} folders (the Servarr apps' plugin layout, as far as known); a folder
     * without sub-folders counts by its own name.
     *
     * @param folder the plugin folder, relative to the data folder
     * @return {@code "owner/name"} per plugin
     */
    static Inventory ownerNamed(String folder) {
        return named("the owner/name folders in " + folder, data -> {
            List<String> out = new ArrayList<>();
            for (Path owner : children(data.resolve(folder))) {
                if (!Files.isDirectory(owner)) {
                    continue;
                }
                List<String> names = new ArrayList<>();
                for (Path p : children(owner)) {
                    if (Files.isDirectory(p)) {
                        names.add(owner.getFileName() + "/" + p.getFileName());
                    }
                }
                if (names.isEmpty()) {
                    out.add(owner.getFileName().toString());
                }
                out.addAll(names);
            }
            return out;
        });
    }

    private static String meta(Path file) {
        if (!Files.isRegularFile(file)) {
            return null;
        }
        try {
            JsonNode json = JSON.readTree(file.toFile());
            String name = field(json, "name");
            if (name == null || name.isBlank()) {
                return null;
            }
            String version = field(json, "version");
            return version == null || version.isBlank() ? name.strip() : name.strip() + " " + version.strip();
        } catch (IOException e) {
            return null; // a damaged meta.json: the folder's name still says which plugin it was
        }
    }

    /** @return the text of a top-level field, its name compared ignoring case */
    private static String field(JsonNode json, String name) {
        if (json == null || !json.isObject()) {
            return null;
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = json.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            if (e.getKey().equalsIgnoreCase(name) && e.getValue().isValueNode()) {
                return e.getValue().asText();
            }
        }
        return null;
    }

    private static boolean holdsDll(Path dir) throws IOException {
        try (Stream<Path> s = Files.walk(dir, 3)) {
            return s.anyMatch(p -> p.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".dll")
                    && Files.isRegularFile(p));
        }
    }

    private static List<Path> children(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(dir)) {
            return s.sorted().toList();
        }
    }

    private static Inventory named(String description, Inventory inventory) {
        return new Inventory() {
            @Override
            public List<String> list(Path folder) throws IOException {
                return inventory.list(folder);
            }

            @Override
            public String toString() {
                return description;
            }
        };
    }
}
