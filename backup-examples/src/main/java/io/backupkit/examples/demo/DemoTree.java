package io.backupkit.examples.demo;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Random;

/**
 * Builds a sample Plex-like data folder with deterministic content (a fixed {@link Random} seed): about 3,000 files
 * in nested folders ({@code Plug-in Support/Databases}, {@code Metadata/Movies/<hash>.bundle/Contents/...},
 * {@code Media/localhost/...}), a path longer than 260 characters, unicode names, names with spaces, empty folders,
 * a symbolic link, small XML and JSON files, incompressible {@code .jpg}/{@code .bif} files, a few MB of
 * database-like file, and {@code Logs/} and {@code Cache/} folders that a backup should exclude
 * ({@link #EXCLUDES}). Whatever the platform cannot hold (a link without the privilege, a name its file-name
 * encoding cannot spell) is left out and named in {@link Stats#notes()}.
 *
 * <pre>{@code
 * DemoTree.Stats stats = DemoTree.create(Path.of("/tmp/demo/Plex Media Server"));
 * BackupPlan plan = BackupPlan.builder().source(stats.root()).destination("/tmp/demo/backups")
 *     .exclude(DemoTree.EXCLUDES.toArray(String[]::new)).build();
 * }</pre>
 */
public final class DemoTree {

    /** Name of the sample data folder. */
    public static final String APP_FOLDER = "Plex Media Server";
    /** What a backup of the sample should leave out: the logs and the caches. */
    public static final List<String> EXCLUDES = List.of("Logs/**", "Cache/**");
    /** The seed of all content. */
    public static final long SEED = 20261122L;
    /** Files the sample holds outside the excluded folders, by default. */
    public static final int FILES = 3000;
    /** The fewest files a sample can hold: the fixed part (databases, preferences, media, long path, unicode). */
    public static final int MIN_FILES = 400;
    /** Length the longest path of the sample exceeds, relative to its root: Windows' classic MAX_PATH. */
    public static final int LONG_PATH = 260;
    /** The unicode name the sample uses. */
    public static final String UNICODE_NAME = "Ünïcödé ファイル";

    private static final HexFormat HEX = HexFormat.of();
    private static final String[] WORDS = {"title", "summary", "studio", "rating", "Movie", "Episode", "Season",
        "library", "section", "metadata_item", "media_part", "stream", "codec", "h264", "aac", "1080p", "English",
        "thumb", "art", "guid", "plex://movie/", "com.plexapp.agents.imdb", "added_at", "updated_at", "duration"};

    private final Path root;
    private final int target;
    private final Random random = new Random(SEED);
    private final List<String> notes = new ArrayList<>();
    private long files;
    private long bytes;
    private long directories;
    private long links;
    private long excludedFiles;
    private long excludedBytes;
    private boolean inExcluded;

    private DemoTree(Path root, int target) {
        this.root = root;
        this.target = target;
    }

    /**
     * What was built.
     *
     * <pre>{@code
     * DemoTree.Stats stats = DemoTree.create(root);
     * System.out.println(stats.files() + " files, " + stats.bytes() + " bytes; left out: " + stats.notes());
     * }</pre>
     *
     * @param root the sample data folder
     * @param files regular files outside the excluded folders
     * @param bytes their total size
     * @param directories folders outside the excluded ones (the root not counted)
     * @param links symbolic links
     * @param excludedFiles files in the excluded folders
     * @param excludedBytes their total size
     * @param longestPath length of the longest root-relative path
     * @param notes what the platform could not hold and was left out
     */
    public record Stats(Path root, long files, long bytes, long directories, long links, long excludedFiles,
                        long excludedBytes, int longestPath, List<String> notes) {
        /** Copies the list. */
        public Stats {
            notes = List.copyOf(notes);
        }
    }

    /**
     * @param root the folder to create; must not exist yet, or be empty
     * @return what was built: {@value #FILES} files outside the excluded folders
     * @throws IOException if a file cannot be written
     */
    public static Stats create(Path root) throws IOException {
        return create(root, FILES);
    }

    /**
     * @param root the folder to create; must not exist yet, or be empty
     * @param files how many files to put outside the excluded folders, at least {@value #MIN_FILES}; the metadata
     *        bundles grow or shrink to match
     * @return what was built
     * @throws IllegalArgumentException if {@code files} is below {@value #MIN_FILES}
     * @throws IOException if a file cannot be written
     */
    public static Stats create(Path root, int files) throws IOException {
        if (files < MIN_FILES) {
            throw new IllegalArgumentException("a demo sample holds at least " + MIN_FILES + " files, was " + files);
        }
        if (Files.exists(root)) {
            try (var s = Files.list(root)) {
                if (s.findAny().isPresent()) {
                    throw new IOException("Demo folder " + root + " is not empty");
                }
            }
        }
        Files.createDirectories(root);
        return new DemoTree(root, files).build();
    }

    /**
     * @param relative a root-relative path with {@code /} separators
     * @return whether {@link #EXCLUDES} leaves it out
     */
    public static boolean isExcluded(String relative) {
        String top = relative.contains("/") ? relative.substring(0, relative.indexOf('/')) : relative;
        return top.equals("Logs") || top.equals("Cache");
    }

    private Stats build() throws IOException {
        rootFiles();
        pluginSupport();
        media();
        emptyAndSmallFolders();
        excluded();
        int longest = longPath();
        unicode();
        // metadata bundles fill up to the target
        metadata();
        return new Stats(root, files, bytes, directories, links, excludedFiles, excludedBytes, longest, notes);
    }

    private void rootFiles() throws IOException {
        xml("Preferences.xml", 40);
        text(".LocalAdminToken", "demo-" + hash().substring(0, 20));
        text("Setup Plex.html",
                "<html><body><p>Plex Media Server demo data, made by backupkit demo.</p></body></html>\n");
    }

    private void pluginSupport() throws IOException {
        String db = "Plug-in Support/Databases/com.plexapp.plugins.library.db";
        database(db, 4 * 1024 * 1024);
        database("Plug-in Support/Databases/com.plexapp.plugins.library.blobs.db", 1024 * 1024);
        binary("Plug-in Support/Databases/com.plexapp.plugins.library.db-shm", new byte[32 * 1024]);
        random("Plug-in Support/Databases/com.plexapp.plugins.library.db-wal", 8 * 1024);
        link("Plug-in Support/Databases/current.db", "com.plexapp.plugins.library.db");
        for (String agent : List.of("com.plexapp.agents.imdb", "com.plexapp.agents.thetvdb",
                "com.plexapp.agents.themoviedb", "com.plexapp.agents.lastfm", "com.plexapp.agents.localmedia",
                "com.plexapp.agents.opensubtitles", "com.plexapp.system", "tv.plex.agents.movie",
                "tv.plex.agents.series", "tv.plex.agents.music")) {
            xml("Plug-in Support/Preferences/" + agent + ".xml", 6);
            for (int i = 0; i < 3; i++) {
                json("Plug-in Support/Data/" + agent + "/DataItems/" + agent + "." + i + ".json", 12);
            }
            text("Plug-in Support/Data/" + agent + "/StoredValues", "{\"lastRun\": " + random.nextInt(1 << 30) + "}\n");
        }
        dir("Plug-in Support/Caches");
        dir("Plug-in Support/Metadata Combination");
    }

    private void media() throws IOException {
        for (int b = 0; b < 40; b++) {
            String h = hash();
            String bundle = "Media/localhost/" + h.charAt(0) + "/" + h.substring(1) + ".bundle/Contents";
            random(bundle + "/Indexes/index-sd.bif", 20 * 1024 + random.nextInt(40 * 1024));
            for (int t = 1; t <= 5; t++) {
                jpeg(bundle + "/Thumbnails/thumb" + t + ".jpg", 2 * 1024 + random.nextInt(6 * 1024));
            }
        }
    }

    private void emptyAndSmallFolders() throws IOException {
        dir("Codecs");
        dir("Crash Reports");
        text("Scanners/Series/Plex Series Scanner.py", "# demo scanner\nimport re\n\ndef Scan(path, files, "
                + "mediaList, subdirs):\n    pass\n");
        text("Plug-ins/README.txt", "Third-party plug-ins go here.\n");
    }

    private void excluded() throws IOException {
        inExcluded = true;
        for (int i = 0; i < 6; i++) {
            text("Logs/Plex Media Server" + (i == 0 ? "" : "." + i) + ".log", logLines(200));
        }
        for (int i = 0; i < 10; i++) {
            text("Logs/PMS Plugin Logs/com.plexapp.agents." + i + ".log", logLines(40));
        }
        for (int i = 0; i < 60; i++) {
            String h = hash();
            jpeg("Cache/PhotoTranscoder/" + h.substring(0, 2) + "/" + h + ".jpg", 1024 + random.nextInt(4096));
        }
        random("Cache/CloudAccount.dat", 512);
        inExcluded = false;
    }

    private int longPath() throws IOException {
        String h = hash();
        StringBuilder rel = new StringBuilder("Media/localhost/" + h.charAt(0) + "/" + h.substring(1)
                + ".bundle/Contents/Chapters");
        for (int i = 1; rel.length() <= LONG_PATH + 20; i++) {
            rel.append("/Chapter ").append(i).append(" - a rather long chapter folder name as some agents write them");
        }
        rel.append("/chapter thumbnail with a long name.jpg");
        try {
            jpeg(rel.toString(), 3000);
        } catch (IOException e) {
            notes.add("path longer than " + LONG_PATH + " characters skipped: " + e.getMessage());
            return 0;
        }
        return rel.length();
    }

    private void unicode() throws IOException {
        try {
            root.resolve(UNICODE_NAME);
        } catch (InvalidPathException e) {
            notes.add("unicode names skipped: the file-name encoding " + System.getProperty("sun.jnu.encoding")
                    + " cannot spell '" + UNICODE_NAME + "'");
            return;
        }
        xml("Metadata/Movies/" + UNICODE_NAME + ".bundle/Contents/_combined/Info.xml", 10);
        json("Plug-in Support/Data/com.plexapp.system/" + UNICODE_NAME + ".json", 8);
        text("Metadata/Movies/" + UNICODE_NAME + ".bundle/Contents/_combined/Ελληνικά και emoji 🎬.txt",
                "unicode content: Ünïcödé ファイル Ελληνικά 🎬\n");
    }

    private void metadata() throws IOException {
        String[] sections = {"Movies", "TV Shows", "Artists", "Albums"};
        for (int n = 0; files < target; n++) {
            String section = sections[n % sections.length];
            String h = hash();
            String contents = "Metadata/" + section + "/" + h.charAt(0) + "/" + h.substring(1) + ".bundle/Contents";
            String agent = section.equals("Movies") ? "com.plexapp.agents.imdb"
                    : section.equals("TV Shows") ? "com.plexapp.agents.thetvdb" : "com.plexapp.agents.lastfm";
            String[] parts = {
                contents + "/_combined/Info.xml",
                contents + "/_combined/Info.json",
                contents + "/" + agent + "/Info.xml",
                contents + "/_combined/posters/" + agent + "_" + h.substring(0, 12) + ".jpg",
                contents + "/_combined/posters/" + agent + "_" + h.substring(12, 24) + ".jpg",
                contents + "/_combined/posters/" + agent + "_" + h.substring(24, 36) + ".jpg",
                contents + "/" + agent + "/Info.xml.bak",
            };
            for (String part : parts) {
                if (files >= target) {
                    break;
                }
                if (part.endsWith(".jpg")) {
                    jpeg(part, 2 * 1024 + random.nextInt(5 * 1024));
                } else if (part.endsWith(".json")) {
                    json(part, 6);
                } else {
                    xml(part, 8 + random.nextInt(20));
                }
            }
        }
    }

    // ---- content ------------------------------------------------------------------------------------------------

    private String hash() {
        byte[] b = new byte[20];
        random.nextBytes(b);
        return HEX.formatHex(b);
    }

    private String word() {
        return WORDS[random.nextInt(WORDS.length)];
    }

    private void xml(String rel, int elements) throws IOException {
        StringBuilder sb = new StringBuilder("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<MediaContainer>\n");
        for (int i = 0; i < elements; i++) {
            sb.append("  <").append(word().replaceAll("[^A-Za-z_]", "")).append(" id=\"").append(random.nextInt(100000))
                    .append("\" value=\"").append(word()).append(' ').append(random.nextInt(10000)).append("\"/>\n");
        }
        text(rel, sb.append("</MediaContainer>\n").toString());
    }

    private void json(String rel, int fields) throws IOException {
        StringBuilder sb = new StringBuilder("{\n");
        for (int i = 0; i < fields; i++) {
            sb.append("  \"").append(word()).append(i).append("\": \"").append(word()).append(' ')
                    .append(random.nextInt(10000)).append('"').append(i + 1 < fields ? ",\n" : "\n");
        }
        text(rel, sb.append("}\n").toString());
    }

    private String logLines(int lines) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < lines; i++) {
            sb.append(String.format(Locale.ROOT, "Nov 22, 2026 03:%02d:%02d.%03d [%d] DEBUG - %s %s %d%n",
                    i / 60 % 60, i % 60, random.nextInt(1000), 0x7f00 + random.nextInt(255), word(), word(),
                    random.nextInt(100000)));
        }
        return sb.toString();
    }

    /** Database-like: 4 KiB pages, a SQLite header, half text records and half noise. */
    private void database(String rel, int size) throws IOException {
        byte[] data = new byte[size];
        byte[] header = "SQLite format 3\0".getBytes(StandardCharsets.US_ASCII);
        for (int page = 0; page < size / 4096; page++) {
            int at = page * 4096;
            byte[] noise = new byte[2048];
            random.nextBytes(noise);
            System.arraycopy(noise, 0, data, at, noise.length);
            StringBuilder records = new StringBuilder();
            while (records.length() < 2048) {
                records.append(word()).append('|').append(random.nextInt(1_000_000)).append('|');
            }
            System.arraycopy(records.toString().getBytes(StandardCharsets.US_ASCII), 0, data, at + 2048, 2048);
        }
        System.arraycopy(header, 0, data, 0, header.length);
        binary(rel, data);
    }

    /** Incompressible, with a JPEG header. */
    private void jpeg(String rel, int size) throws IOException {
        byte[] data = new byte[size];
        random.nextBytes(data);
        data[0] = (byte) 0xFF;
        data[1] = (byte) 0xD8;
        data[2] = (byte) 0xFF;
        data[size - 2] = (byte) 0xFF;
        data[size - 1] = (byte) 0xD9;
        binary(rel, data);
    }

    private void random(String rel, int size) throws IOException {
        byte[] data = new byte[size];
        random.nextBytes(data);
        binary(rel, data);
    }

    private void text(String rel, String content) throws IOException {
        binary(rel, content.getBytes(StandardCharsets.UTF_8));
    }

    private void binary(String rel, byte[] content) throws IOException {
        Path file = root.resolve(rel);
        dirs(file.getParent());
        try (OutputStream out = Files.newOutputStream(file)) {
            out.write(content);
        }
        if (inExcluded) {
            excludedFiles++;
            excludedBytes += content.length;
        } else {
            files++;
            bytes += content.length;
        }
    }

    private void dir(String rel) throws IOException {
        dirs(root.resolve(rel));
    }

    /** Creates the missing folders up to {@code dir}, counting those outside the excluded ones. */
    private void dirs(Path dir) throws IOException {
        if (dir.equals(root) || Files.isDirectory(dir)) {
            return;
        }
        dirs(dir.getParent());
        Files.createDirectory(dir);
        if (!inExcluded) {
            directories++;
        }
    }

    private void link(String rel, String target) throws IOException {
        Path link = root.resolve(rel);
        dirs(link.getParent());
        try {
            Files.createSymbolicLink(link, link.getFileSystem().getPath(target));
            links++;
        } catch (UnsupportedOperationException | IOException e) {
            notes.add("symbolic link skipped (" + e.getClass().getSimpleName() + ": " + e.getMessage() + ")");
        }
    }
}
