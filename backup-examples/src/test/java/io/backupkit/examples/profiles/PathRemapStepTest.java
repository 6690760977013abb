package io.backupkit.examples.profiles;

import io.backupkit.BackupException;
import io.backupkit.BackupPlan;
import io.backupkit.InvalidPlanException;
import io.backupkit.RestoreRequest;
import io.backupkit.RestoreResult;
import io.backupkit.RestoreStep;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PathRemapStepTest {

    private static final String DB = "data/jellyfin.db";

    @TempDir
    Path tmp;

    private final List<String> notes = new ArrayList<>();
    private final List<String> warnings = new ArrayList<>();

    // ------------------------------------------------------- through a real backup and restore

    @Test
    void shouldRemapTheLibraryDefinitionsAndTheDatabaseOfARestoredJellyfin() throws Exception {
        BackupPlan plan = backedUp(LibraryFixtures.jellyfin(tmp.resolve("jellyfin"), "/srv/media", '/'));
        Path target = tmp.resolve("new-server");

        RestoreResult r = plan.restore(RestoreRequest.latest().target(target)
                .step(AppProfiles.jellyfin().remap(Map.of("/srv/media", "/mnt/media"))));

        assertThat(r.warnings()).isEmpty();
        assertThat(Files.readAllBytes(target.resolve("root/default/Movies/options.xml"))).as("all else kept")
                .isEqualTo(utf8(LibraryFixtures.options("/mnt/media/Movies", "/mnt/media2/Movies")))
                .startsWith((byte) 0xEF, (byte) 0xBB, (byte) 0xBF);
        assertThat(Files.readAllBytes(target.resolve("root/default/Shows/options.xml")))
                .isEqualTo(utf8(LibraryFixtures.options("/mnt/media/Shows")));
        assertThat(target.resolve("root/default/Movies/Movies.mblink")).hasContent("/mnt/media/Movies");
        assertThat(target.resolve("root/default/Movies/Other movies.mblink")).hasContent("/mnt/media2/Movies");
        assertThat(Files.readString(target.resolve("root/default/Shows/Shows.mblink")))
                .isEqualTo("/mnt/media/Shows\n");
        assertThat(target.resolve("config/system.xml")).content().contains("<ServerName>old-box</ServerName>");

        Path db = target.resolve(DB);
        assertThat(LibraryFixtures.column(db, "SELECT Path FROM BaseItems WHERE Id = 'movie-3'"))
                .containsExactly("/mnt/media/Movies/Film 3 (1953)/Film 3.mkv");
        assertThat(LibraryFixtures.column(db, "SELECT Path FROM BaseItems WHERE Id IN ('dir-movies',"
                + " 'dir-movies-trailing', 'episode') ORDER BY Id"))
                .containsExactly("/mnt/media/Movies", "/mnt/media/Movies/", "/mnt/media/Shows/Show/Season 1/S01E01.mkv");
        assertThat(LibraryFixtures.column(db, "SELECT count(*) FROM BaseItems WHERE Path LIKE '/mnt/media/%'"
                + " OR Path = '/mnt/media'")).containsExactly(String.valueOf(LibraryFixtures.jellyfinMediaRows()));
        assertThat(LibraryFixtures.column(db, "SELECT Path FROM BaseItems WHERE Id IN ('other', 'col-movies')"
                + " ORDER BY Id")).containsExactly("/var/lib/jellyfin/root/default/Movies",
                "/mnt/media2/Movies/Other.mkv");
        assertThat(LibraryFixtures.column(db, "SELECT Data FROM BaseItems WHERE Id = 'movie-0'")).singleElement()
                .asString().contains("\"/mnt/media/Movies/Film 0 (1950)/Film 0 - 4K.mkv\"")
                .contains("\"Tagline\":\"In space\"");
        assertThat(LibraryFixtures.column(db, "SELECT Path FROM BaseItemImageInfos WHERE ItemId IN ('movie-2',"
                + " 'movie-3') ORDER BY ItemId")).containsExactly("/mnt/media/Movies/Film 2 (1952)/poster.jpg",
                "%MetadataPath%/library/2a/2a27372f1e9bc757b1db99721bbeae1e/poster.jpg");
        assertThat(LibraryFixtures.column(db, "SELECT Path FROM MediaStreamInfos WHERE ItemId = 'movie-5'"
                + " AND Path IS NOT NULL")).containsExactly("/mnt/media/Movies/Film 5 (1955)/Film 5.en.srt");
        assertThat(LibraryFixtures.column(db, "SELECT DISTINCT substr(ImagePath, 1, 14) FROM Chapters"))
                .containsExactly("%MetadataPath%");
        assertThat(LibraryFixtures.column(db, "SELECT count(*) FROM BaseItems WHERE Path LIKE '/srv/%'"))
                .containsExactly("0");
        assertThat(LibraryFixtures.column(db, "SELECT group_concat(ItemId || ':' || Played || ':' || PlayCount)"
                + " FROM (SELECT * FROM UserData WHERE Played = 1 ORDER BY ItemId)")).singleElement().asString()
                .contains("movie-0:1:2").contains("movie-3:1:2");
        assertThat(LibraryFixtures.integrity(db)).containsExactly("ok");
        assertThat(target.resolve(DB + "-wal")).doesNotExist();
    }

    @Test
    void shouldWarnAboutAPairThatMatchedNothing() throws Exception {
        BackupPlan plan = backedUp(LibraryFixtures.jellyfin(tmp.resolve("jellyfin"), "/srv/media", '/'));

        RestoreResult r = plan.restore(RestoreRequest.latest().target(tmp.resolve("new-server"))
                .step(AppProfiles.jellyfin().remap(PathRemap.parse("/srv/media=/mnt/media", "/nowhere=/x"))));

        assertThat(r.warnings()).singleElement().asString()
                .contains("remap '/nowhere=/x' matched no path in the restored jellyfin library");
        assertThat(tmp.resolve("new-server/root/default/Movies/Movies.mblink")).hasContent("/mnt/media/Movies");
    }

    @Test
    void shouldFailTheRestoreNamingAMalformedOptionsXmlAndLeaveTheTargetUnchanged() throws Exception {
        Path source = LibraryFixtures.jellyfin(tmp.resolve("jellyfin"), "/srv/media", '/');
        LibraryFixtures.write(source, "root/default/Shows/options.xml", "<LibraryOptions><PathInfos>"
                + "<MediaPathInfo><Path>/srv/media/Shows</Path></MediaPathInfo></LibraryOptions>");
        BackupPlan plan = backedUp(source);
        Path target = tmp.resolve("old-server");
        LibraryFixtures.write(target, "root/default/Movies/Movies.mblink", "/data/movies");
        LibraryFixtures.write(target, "data/jellyfin.db", "the live database");
        Map<String, String> before = tree(target);

        assertThatThrownBy(() -> plan.restore(RestoreRequest.latest().target(target)
                .step(AppProfiles.jellyfin().remap(Map.of("/srv/media", "/mnt/media")))))
                .isInstanceOf(BackupException.class)
                .hasMessageContaining("root/default/Shows/options.xml is not well-formed XML")
                .hasMessageContaining("nothing was swapped into " + target);

        assertThat(tree(target)).isEqualTo(before);
        try (Stream<Path> s = Files.list(tmp)) {
            assertThat(s.map(p -> p.getFileName().toString())).noneMatch(n -> n.contains("backupkit-restore"));
        }
    }

    @Test
    void shouldRemapOnlyWhatAPartialRestoreBringsBack() throws Exception {
        BackupPlan plan = backedUp(LibraryFixtures.jellyfin(tmp.resolve("jellyfin"), "/srv/media", '/'));
        Path target = tmp.resolve("server");
        plan.restore(RestoreRequest.latest().target(target));

        RestoreResult r = plan.restore(RestoreRequest.latest().target(target).only("data")
                .step(AppProfiles.jellyfin().remap(Map.of("/srv/media", "/mnt/media"))));

        assertThat(r.warnings()).isEmpty();
        assertThat(LibraryFixtures.column(target.resolve(DB), "SELECT Path FROM BaseItems WHERE Id = 'dir-shows'"))
                .containsExactly("/mnt/media/Shows");
        assertThat(target.resolve("root/default/Movies/Movies.mblink")).hasContent("/srv/media/Movies");
        assertThat(LibraryFixtures.integrity(target.resolve(DB))).containsExactly("ok");
    }

    // ------------------------------------------------------- the step on extracted files

    @Test
    void shouldNoteWhatItChanged() throws Exception {
        Path extracted = LibraryFixtures.jellyfin(tmp.resolve("x"), "/srv/media", '/');

        apply(AppProfiles.jellyfin().remap(Map.of("/srv/media", "/mnt/media")), extracted);

        int rows = LibraryFixtures.jellyfinMediaRows() + LibraryFixtures.MOVIES / 2 + LibraryFixtures.MOVIES;
        assertThat(notes).contains(
                "remapped 1 path in root/default/Movies/options.xml",
                "remapped 1 path in root/default/Shows/options.xml",
                "remapped root/default/Movies/Movies.mblink: /srv/media/Movies -> /mnt/media/Movies",
                "remapped " + rows + " rows in data/jellyfin.db (BaseItems " + LibraryFixtures.jellyfinMediaRows()
                        + ", BaseItemImageInfos " + LibraryFixtures.MOVIES / 2 + ", MediaStreamInfos "
                        + LibraryFixtures.MOVIES + ")");
        assertThat(notes.get(notes.size() - 1))
                .isEqualTo("remapped 2 library paths in 2 options.xml, 2 .mblink files, " + rows + " database rows");
        assertThat(warnings).isEmpty();
        assertThat(extracted.resolve(DB + "-wal")).doesNotExist();
        assertThat(LibraryFixtures.column(extracted.resolve(DB), "SELECT count(*) FROM MediaStreamInfos WHERE Path"
                + " LIKE '/mnt/media/Movies/%.en.srt'")).containsExactly(String.valueOf(LibraryFixtures.MOVIES));
    }

    @Test
    void shouldRemapWindowsPathsToPosix() throws Exception {
        Path extracted = LibraryFixtures.jellyfin(tmp.resolve("x"), "D:\\Media", '\\');

        apply(AppProfiles.jellyfin().remap(PathRemap.parse("d:\\media\\=/mnt/media")), extracted);

        assertThat(extracted.resolve("root/default/Movies/options.xml")).content()
                .contains("<Path>/mnt/media/Movies</Path>").contains("<Path>/mnt/media2/Movies</Path>");
        assertThat(extracted.resolve("root/default/Shows/Shows.mblink")).hasContent("/mnt/media/Shows\n");
        assertThat(LibraryFixtures.column(extracted.resolve(DB), "SELECT Path FROM BaseItems WHERE Id IN"
                + " ('movie-3', 'episode') ORDER BY Id")).containsExactly(
                "/mnt/media/Shows/Show/Season 1/S01E01.mkv", "/mnt/media/Movies/Film 3 (1953)/Film 3.mkv");
        assertThat(LibraryFixtures.column(extracted.resolve(DB), "SELECT Data FROM BaseItems WHERE Id = 'movie-0'"))
                .singleElement().asString().contains("\"/mnt/media/Movies/Film 0 (1950)/Film 0 - 4K.mkv\"");
        assertThat(LibraryFixtures.column(extracted.resolve(DB), "SELECT count(*) FROM BaseItems"
                + " WHERE Path LIKE '%\\%' ESCAPE '!' OR Path LIKE 'D:%'")).containsExactly("0");
        assertThat(LibraryFixtures.integrity(extracted.resolve(DB))).containsExactly("ok");
        assertThat(warnings).isEmpty();
    }

    @Test
    void shouldRemapTheLibraryDatabaseOfJellyfinBefore1011() throws Exception {
        Path extracted = Files.createDirectories(tmp.resolve("x/data"));
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + extracted.resolve("library.db"));
             Statement st = c.createStatement()) {
            st.execute("CREATE TABLE TypedBaseItems (guid GUID PRIMARY KEY, type TEXT NOT NULL, data BLOB,"
                    + " ParentId GUID, Path TEXT, Name TEXT, Images TEXT)");
            st.execute("INSERT INTO TypedBaseItems VALUES ('a', 'MediaBrowser.Controller.Entities.Movies.Movie',"
                    + " '{\"Path\":\"/srv/media/Movies/A/A.mkv\",\"Name\":\"A\"}', NULL, '/srv/media/Movies/A/A.mkv',"
                    + " 'A', '/srv/media/Movies/A/poster.jpg*637261226720645297*Primary*1000*1500|"
                    + "%MetadataPath%/library/2a/2a27/logo.png*637261226720805297*Logo*0*0')");
            st.execute("INSERT INTO TypedBaseItems VALUES ('b', 'MediaBrowser.Controller.Entities.Movies.Movie',"
                    + " NULL, NULL, '/srv/other/B.mkv', 'B', NULL)");
            st.execute("INSERT INTO TypedBaseItems VALUES ('c', 'MediaBrowser.Controller.Entities.Folder', NULL,"
                    + " NULL, '/srv/media/foo | bar', 'foo | bar', '/srv/media/foo | bar/cover.jpg*637452096478512963"
                    + "*Primary|/srv/media/plain/logo.png*637452096478512965*Logo*0*0*Wj\\QbtJ|/srv/media/x.jpg')");
            st.execute("CREATE TABLE mediastreams (ItemId GUID, StreamIndex INT, StreamType TEXT, Path TEXT,"
                    + " PRIMARY KEY (ItemId, StreamIndex))");
            st.execute("INSERT INTO mediastreams VALUES ('a', 2, 'Subtitle', '/srv/media/Movies/A/A.de.srt')");
            st.execute("CREATE TABLE Chapters2 (ItemId GUID, ChapterIndex INT NOT NULL, StartPositionTicks BIGINT"
                    + " NOT NULL, Name TEXT, ImagePath TEXT, PRIMARY KEY (ItemId, ChapterIndex))");
            st.execute("INSERT INTO Chapters2 VALUES ('a', 0, 0, 'One', '%MetadataPath%/chapters/a/0.jpg')");
        }

        apply(AppProfiles.jellyfin().remap(Map.of("/srv/media", "/mnt/media")), extracted.getParent());

        Path db = extracted.resolve("library.db");
        assertThat(LibraryFixtures.column(db, "SELECT Path || ' ' || data || ' ' || Images FROM TypedBaseItems"
                + " WHERE guid = 'a'")).containsExactly("/mnt/media/Movies/A/A.mkv "
                + "{\"Path\":\"/mnt/media/Movies/A/A.mkv\",\"Name\":\"A\"} "
                + "/mnt/media/Movies/A/poster.jpg*637261226720645297*Primary*1000*1500|"
                + "%MetadataPath%/library/2a/2a27/logo.png*637261226720805297*Logo*0*0");
        assertThat(LibraryFixtures.column(db, "SELECT Path FROM TypedBaseItems WHERE guid = 'b'"))
                .containsExactly("/srv/other/B.mkv");
        assertThat(LibraryFixtures.column(db, "SELECT Path || ' ' || Images FROM TypedBaseItems WHERE guid = 'c'"))
                .containsExactly("/mnt/media/foo | bar /mnt/media/foo | bar/cover.jpg*637452096478512963*Primary|"
                        + "/mnt/media/plain/logo.png*637452096478512965*Logo*0*0*Wj\\QbtJ|/mnt/media/x.jpg");
        assertThat(LibraryFixtures.column(db, "SELECT Path FROM mediastreams"))
                .containsExactly("/mnt/media/Movies/A/A.de.srt");
        assertThat(LibraryFixtures.column(db, "SELECT ImagePath FROM Chapters2"))
                .containsExactly("%MetadataPath%/chapters/a/0.jpg");
        assertThat(notes).containsExactly("remapped 3 rows in data/library.db (TypedBaseItems 2, mediastreams 1)",
                "remapped 0 library paths in 0 options.xml, 0 .mblink files, 3 database rows");
        assertThat(LibraryFixtures.integrity(db)).containsExactly("ok");
    }

    @Test
    void shouldKeepTheDeclaredEncodingAndEveryOtherByteOfALibraryFile() throws Exception {
        Path extracted = tmp.resolve("x");
        Charset latin1 = StandardCharsets.ISO_8859_1;
        String before = "<?xml version='1.0' encoding='ISO-8859-1'?>\n<LibraryOptions>\n"
                + "  <!-- Bibliothek für Filme -->\n  <PathInfos>\n    <MediaPathInfo>\n"
                + "      <Path>/srv/media/Filme &amp; Serien/Kinderfilme ä</Path>\n    </MediaPathInfo>\n"
                + "    <MediaPathInfo><Path>/srv/media</Path><NetworkPath>\\\\nas\\media</NetworkPath>"
                + "</MediaPathInfo>\n  </PathInfos>\n  <SeasonZeroDisplayName>Spezial ö</SeasonZeroDisplayName>\n"
                + "  <Other><Path>/srv/media/not a library folder</Path></Other>\n"
                + "</LibraryOptions>\n";
        Path file = extracted.resolve("root/default/Filme/options.xml");
        Files.createDirectories(file.getParent());
        Files.write(file, before.getBytes(latin1));

        apply(AppProfiles.jellyfin().remap(Map.of("/srv/media", "/mnt/Medien")), extracted);

        assertThat(new String(Files.readAllBytes(file), latin1)).isEqualTo(before
                .replace("<Path>/srv/media/Filme", "<Path>/mnt/Medien/Filme")
                .replace("<Path>/srv/media</Path>", "<Path>/mnt/Medien</Path>"));
        assertThat(notes).contains("remapped 2 library paths in 1 options.xml, 0 .mblink files, 0 database rows");
    }

    @Test
    void shouldRefuseALibraryFileWithAPathItCannotEditInPlace() throws Exception {
        Path extracted = tmp.resolve("x");
        LibraryFixtures.write(extracted, "root/default/Movies/options.xml", "<LibraryOptions><!-- <Path>/old"
                + "</Path> --><PathInfos><MediaPathInfo><Path>/srv/media/Movies</Path></MediaPathInfo></PathInfos>"
                + "</LibraryOptions>");
        String content = Files.readString(extracted.resolve("root/default/Movies/options.xml"));

        assertThatThrownBy(() -> apply(AppProfiles.jellyfin().remap(Map.of("/srv/media", "/mnt/media")),
                extracted))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("root/default/Movies/options.xml holds <Path> elements this step cannot edit");
        assertThat(extracted.resolve("root/default/Movies/options.xml")).hasContent(content);
    }

    @Test
    void shouldFailNamingADatabaseThatCannotBeOpened() throws Exception {
        Path extracted = tmp.resolve("x");
        LibraryFixtures.write(extracted, DB, "not a database, but long enough to look like one to nobody".repeat(20));

        assertThatThrownBy(() -> apply(AppProfiles.jellyfin().remap(Map.of("/srv/media", "/mnt/media")),
                extracted))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("cannot remap the paths in the database data/jellyfin.db");
    }

    @Test
    void shouldFindTheDataFolderInsideADockerVolume() throws Exception {
        Path volume = tmp.resolve("config");
        LibraryFixtures.jellyfin(volume.resolve("data"), "/media", '/');

        apply(AppProfiles.jellyfin().remap(Map.of("/media", "/data/media")), volume);

        assertThat(volume.resolve("data/root/default/Movies/Movies.mblink")).hasContent("/data/media/Movies");
        assertThat(LibraryFixtures.column(volume.resolve("data/data/jellyfin.db"),
                "SELECT Path FROM BaseItems WHERE Id = 'dir-shows'")).containsExactly("/data/media/Shows");
        assertThat(warnings).isEmpty();
    }

    @Test
    void shouldNoteThatThereIsNothingToRemapAndWarnAboutEachPair() throws Exception {
        Path extracted = Files.createDirectories(tmp.resolve("x/config"));

        apply(AppProfiles.jellyfin().remap(Map.of("/srv/media", "/mnt/media")), extracted.getParent());

        assertThat(notes).containsExactly("remap: the restored files hold no jellyfin library definitions or "
                + "library database; nothing remapped");
        assertThat(warnings).containsExactly(
                "remap '/srv/media=/mnt/media' matched no path in the restored jellyfin library definitions or "
                        + "database");
    }

    @Test
    void shouldRemapPlexSectionLocationsAndMediaParts() throws Exception {
        Path extracted = tmp.resolve("Plex Media Server");
        Path db = Files.createDirectories(extracted.resolve("Plug-in Support/Databases"))
                .resolve("com.plexapp.plugins.library.db");
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db); Statement st = c.createStatement()) {
            st.execute("CREATE TABLE section_locations (id INTEGER PRIMARY KEY, library_section_id INTEGER,"
                    + " root_path VARCHAR(255), available BOOLEAN DEFAULT 't', scanned_at INTEGER,"
                    + " created_at INTEGER, updated_at INTEGER)");
            st.execute("INSERT INTO section_locations (library_section_id, root_path) VALUES (1, 'D:\\Media\\Movies'),"
                    + " (2, 'D:\\Media\\TV Shows'), (3, 'E:\\Music')");
            st.execute("CREATE TABLE media_parts (id INTEGER PRIMARY KEY, media_item_id INTEGER, directory_id"
                    + " INTEGER, hash VARCHAR(255), open_subtitle_hash VARCHAR(255), file VARCHAR(255),"
                    + " 'index' INTEGER, size INTEGER, duration INTEGER, created_at INTEGER, updated_at INTEGER)");
            st.execute("CREATE INDEX index_media_parts_on_file ON media_parts (file)");
            st.execute("INSERT INTO media_parts (media_item_id, hash, file, size) VALUES"
                    + " (1, 'a1', 'D:\\Media\\Movies\\Alien (1979)\\Alien (1979).mkv', 7000000000),"
                    + " (2, 'b2', 'D:\\Media\\TV Shows\\Show\\Season 01\\Show - S01E01.mkv', 900000000),"
                    + " (3, 'c3', 'E:\\Music\\Album\\01.flac', 30000000)");
            st.execute("CREATE TABLE metadata_item_settings (id INTEGER PRIMARY KEY, account_id INTEGER, guid"
                    + " VARCHAR(255), view_count INTEGER)");
            st.execute("INSERT INTO metadata_item_settings (account_id, guid, view_count) VALUES"
                    + " (1, 'plex://movie/5d776824880197001ec90e35', 3)");
        }

        apply(AppProfiles.plex().remap(Map.of("D:\\Media", "/mnt/media")), extracted);

        assertThat(LibraryFixtures.column(db, "SELECT root_path FROM section_locations ORDER BY id"))
                .containsExactly("/mnt/media/Movies", "/mnt/media/TV Shows", "E:\\Music");
        assertThat(LibraryFixtures.column(db, "SELECT file FROM media_parts ORDER BY id")).containsExactly(
                "/mnt/media/Movies/Alien (1979)/Alien (1979).mkv",
                "/mnt/media/TV Shows/Show/Season 01/Show - S01E01.mkv", "E:\\Music\\Album\\01.flac");
        assertThat(LibraryFixtures.column(db, "SELECT view_count FROM metadata_item_settings"))
                .containsExactly("3");
        assertThat(notes).containsExactly(
                "remapped 4 rows in Plug-in Support/Databases/com.plexapp.plugins.library.db (section_locations 2,"
                        + " media_parts 2)", "remapped 4 database rows");
        assertThat(LibraryFixtures.integrity(db)).containsExactly("ok");
    }

    @Test
    void shouldRemapEmbyLibraryDefinitionsAndWarnWhenItsDatabaseHasNoKnownTable() throws Exception {
        Path extracted = tmp.resolve("programdata");
        LibraryFixtures.write(extracted, "root/default/Movies/options.xml", LibraryFixtures.options("/srv/media"));
        LibraryFixtures.write(extracted, "root/default/Movies/media.mblink", "/srv/media");
        Files.createDirectories(extracted.resolve("data"));
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + extracted.resolve("data/library.db"));
             Statement st = c.createStatement()) {
            st.execute("CREATE TABLE SomethingNew (Id INTEGER PRIMARY KEY, Location TEXT)");
            st.execute("INSERT INTO SomethingNew (Location) VALUES ('/srv/media/x.mkv')");
        }

        apply(AppProfiles.emby().remap(Map.of("/srv/media", "/mnt/media")), extracted);

        assertThat(Files.readAllBytes(extracted.resolve("root/default/Movies/options.xml")))
                .isEqualTo(utf8(LibraryFixtures.options("/mnt/media")));
        assertThat(extracted.resolve("root/default/Movies/media.mblink")).hasContent("/mnt/media");
        assertThat(warnings).containsExactly("no table of emby's library is known in data/library.db: the paths in"
                + " the database were not remapped");
        assertThat(LibraryFixtures.column(extracted.resolve("data/library.db"), "SELECT Location FROM SomethingNew"))
                .containsExactly("/srv/media/x.mkv");
    }

    @Test
    void shouldRemapTheMediaItemsOfAnEmbyDatabase() throws Exception {
        Path extracted = Files.createDirectories(tmp.resolve("programdata/data"));
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + extracted.resolve("library.db"));
             Statement st = c.createStatement()) {
            st.execute("CREATE TABLE MediaItems (Id INTEGER PRIMARY KEY, type INTEGER, Name TEXT, Path TEXT)");
            st.execute("INSERT INTO MediaItems (type, Name, Path) VALUES (5, 'Alien', '/srv/media/Alien.mkv'),"
                    + " (5, 'Other', '/srv/mediaX/Other.mkv')");
        }

        apply(AppProfiles.emby().remap(Map.of("/srv/media", "/mnt/media")), extracted.getParent());

        assertThat(LibraryFixtures.column(extracted.resolve("library.db"), "SELECT Path FROM MediaItems ORDER BY Id"))
                .containsExactly("/mnt/media/Alien.mkv", "/srv/mediaX/Other.mkv");
        assertThat(warnings).isEmpty();
    }

    @Test
    void shouldSayWhichProfilesRemapPaths() {
        assertThat(AppProfiles.all().stream().filter(AppProfile::remapsPaths).map(AppProfile::id))
                .containsExactly("plex", "emby", "jellyfin");
        assertThatThrownBy(() -> AppProfiles.sonarr().remap(Map.of("/tv", "/mnt/tv")))
                .isInstanceOf(InvalidPlanException.class)
                .hasMessageContaining("profile 'sonarr' cannot remap media paths; plex, emby and jellyfin can");
    }

    @Test
    void shouldDescribeItselfForTheLogAndDryRuns() {
        RestoreStep step = AppProfiles.jellyfin().remap(PathRemap.parse("D:\\Media=/mnt/media"));

        assertThat(step.description()).isEqualTo("remap the jellyfin media paths D:\\Media -> /mnt/media");
    }

    // ---------------------------------------------------------------- helpers

    private BackupPlan backedUp(Path source) {
        BackupPlan plan = BackupPlan.builder()
                .apply(AppProfiles.jellyfin())
                .source(source)
                .destination(tmp.resolve("backups"))
                .archiver("zip")
                .build();
        plan.backup();
        return plan;
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private void apply(RestoreStep step, Path extracted) throws IOException {
        step.apply(new RestoreStep.Staged("test", extracted, tmp.resolve("live"), List.of(), notes::add,
                warnings::add));
    }

    private static Map<String, String> tree(Path root) throws IOException {
        Map<String, String> out = new TreeMap<>();
        try (Stream<Path> walk = Files.walk(root)) {
            for (Path p : (Iterable<Path>) walk::iterator) {
                out.put(root.relativize(p).toString(), Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS) ? "/"
                        : new String(Files.readAllBytes(p), StandardCharsets.ISO_8859_1));
            }
        }
        return out;
    }
}
