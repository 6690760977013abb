package io.backupkit.examples.profiles;

import java.util.List;

/**
 * Where an application keeps the paths of its media: library definition files (XML whose {@code <Path>} elements
 * under the given parents are folders or files), link files holding one path each, and database columns. Paths are
 * relative to the application's data folder, {@code /} separators, {@code *} matching within one name. Where each
 * fact comes from is in the module's README ("Restore onto other media paths").
 *
 * @param xml library definition files, e.g. {@code root/default/*}{@code /options.xml}
 * @param pathParents the elements whose {@code <Path>} child holds a path, e.g. {@code MediaPathInfo}
 * @param links files holding one path each, e.g. {@code root/default/*}{@code /*.mblink}
 * @param databases the SQLite databases and their path columns
 */
record LibraryLayout(List<String> xml, List<String> pathParents, List<String> links, List<Database> databases) {

    LibraryLayout {
        xml = List.copyOf(xml);
        pathParents = List.copyOf(pathParents);
        links = List.copyOf(links);
        databases = List.copyOf(databases);
    }

    /** How a column holds its paths. */
    enum Kind {
        /** The whole value is one path. */
        PATH,
        /** A JSON document: every string in it that is a path (Jellyfin's and Emby's {@code data} columns). */
        JSON,
        /** {@code path*ticks*type*width*height[*hash]} entries joined by {@code |} (the old {@code Images}). */
        IMAGES
    }

    /**
     * @param name the column
     * @param kind how it holds paths
     */
    record Column(String name, Kind kind) {
    }

    /**
     * @param name the table
     * @param columns its path columns; a column the table lacks is skipped
     */
    record Table(String name, List<Column> columns) {
        Table {
            columns = List.copyOf(columns);
        }

        static Table of(String name, String... pathColumns) {
            return new Table(name, java.util.Arrays.stream(pathColumns).map(c -> new Column(c, Kind.PATH)).toList());
        }
    }

    /**
     * @param file the database file, relative to the data folder
     * @param tables its tables holding paths; a table the database lacks is skipped
     */
    record Database(String file, List<Table> tables) {
        Database {
            tables = List.copyOf(tables);
        }
    }

    /** Jellyfin 10.11+ ({@code jellyfin.db}) and earlier ({@code library.db}). */
    static LibraryLayout jellyfin() {
        Database current = new Database("data/jellyfin.db", List.of(
                new Table("BaseItems", List.of(new Column("Path", Kind.PATH), new Column("Data", Kind.JSON))),
                Table.of("BaseItemImageInfos", "Path"),
                Table.of("MediaStreamInfos", "Path"),
                Table.of("Chapters", "ImagePath")));
        Database legacy = new Database("data/library.db", List.of(
                new Table("TypedBaseItems", List.of(new Column("Path", Kind.PATH), new Column("data", Kind.JSON),
                        new Column("Images", Kind.IMAGES))),
                Table.of("mediastreams", "Path"),
                new Table("Chapters2", List.of(new Column("ImagePath", Kind.IMAGES)))));
        return new LibraryLayout(
                List.of("root/default/*/options.xml", "data/playlists/*/playlist.xml",
                        "data/collections/*/collection.xml"),
                List.of("MediaPathInfo", "PlaylistItem", "LinkedChild"),
                List.of("root/default/*/*.mblink"),
                List.of(current, legacy));
    }

    /** Emby: the library definitions Jellyfin inherited; its database only where the tables are known. */
    static LibraryLayout emby() {
        Database library = new Database("data/library.db", List.of(
                new Table("TypedBaseItems", List.of(new Column("Path", Kind.PATH), new Column("data", Kind.JSON),
                        new Column("Images", Kind.IMAGES))),
                Table.of("MediaItems", "Path"),
                Table.of("mediastreams", "Path")));
        return new LibraryLayout(
                List.of("root/default/*/options.xml"),
                List.of("MediaPathInfo"),
                List.of("root/default/*/*.mblink"),
                List.of(library));
    }

    /** Plex: no library files, only its library database. */
    static LibraryLayout plex() {
        Database library = new Database("Plug-in Support/Databases/com.plexapp.plugins.library.db", List.of(
                Table.of("section_locations", "root_path"),
                Table.of("media_parts", "file")));
        return new LibraryLayout(List.of(), List.of(), List.of(), List.of(library));
    }
}
