package io.backupkit;

import io.backupkit.spi.ServiceController;
import org.apache.commons.compress.archivers.zip.UnixStat;
import org.apache.commons.compress.archivers.zip.ZipArchiveEntry;
import org.apache.commons.compress.archivers.zip.ZipArchiveOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Predicate;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A backup that another tool wrote as several archives and folders restores through
 * {@link RestoreRequest#fromParts(List)} into one staging folder and one swap; every check of a single foreign
 * archive holds across parts, and any refusal leaves the target untouched with nothing written outside staging.
 */
class RestorePartsTest {

    @TempDir
    Path tmp;

    /** The tree the parts are cut from, as an application's data folder. */
    private Path source() throws IOException {
        Path s = tmp.resolve("source");
        write(s.resolve("Preferences.xml"), "<Preferences MachineIdentifier=\"abc\"/>");
        write(s.resolve("Setup Plex.html"), "<html/>");
        write(s.resolve("Metadata/Movies/a/b.bundle/Contents/Info.xml"), "<Movie title=\"A\"/>");
        write(s.resolve("Metadata/TV Shows/c.txt"), "c");
        Files.createDirectories(s.resolve("Metadata/Empty"));
        write(s.resolve("Plug-in Support/Databases/com.plexapp.plugins.library.db"), "SQLite format 3\0 data");
        write(s.resolve("Plug-in Support/Data/com.plexapp.system/DataItems/Deactivated/"
                + "x".repeat(120) + "/" + "y".repeat(120) + ".xml"), "long path");
        write(s.resolve("Media/localhost/1/2.bundle/Contents/Thumbnails/thumb1.jpg"), "\u00ff\u00d8 jpeg");
        return s;
    }

    private static final String SPECIAL = "Plug-in Support/Data/com.plexapp.system/DataItems/Deactivated";

    private static void write(Path file, String content) throws IOException {
        Files.createDirectories(file.getParent());
        Files.writeString(file, content, StandardCharsets.ISO_8859_1);
    }

    /** Zips the content of {@code dir} (names relative to it), as PowerShell's Compress-Archive does. */
    private static Path zipContent(Path zip, Path dir, boolean backslashes, Predicate<String> skip)
            throws IOException {
        Files.createDirectories(zip.getParent());
        List<Path> all;
        try (Stream<Path> s = Files.walk(dir)) {
            all = s.filter(p -> !p.equals(dir)).sorted().toList();
        }
        try (ZipArchiveOutputStream out = new ZipArchiveOutputStream(zip)) {
            for (Path p : all) {
                String rel = dir.relativize(p).toString();
                if (skip.test(rel)) {
                    continue;
                }
                boolean isDir = Files.isDirectory(p);
                if (isDir && Files.list(p).findAny().isPresent()) {
                    continue; // like Compress-Archive: only empty folders get an entry of their own
                }
                String name = backslashes ? rel.replace('/', '\\') + (isDir ? "\\" : "") : rel + (isDir ? "/" : "");
                out.putArchiveEntry(new RawZipEntry(name, true));
                if (!isDir) {
                    out.write(Files.readAllBytes(p));
                }
                out.closeArchiveEntry();
            }
        }
        return zip;
    }

    /** One entry of a crafted zip. */
    record Item(String name, String content, int unixType) {
        static Item file(String name, String content) {
            return new Item(name, content, UnixStat.FILE_FLAG);
        }

        static Item link(String name, String target) {
            return new Item(name, target, UnixStat.LINK_FLAG);
        }
    }

    private Path zip(String rel, Item... items) throws IOException {
        Path zip = tmp.resolve(rel);
        Files.createDirectories(zip.getParent());
        try (ZipArchiveOutputStream out = new ZipArchiveOutputStream(zip)) {
            for (Item item : items) {
                ZipArchiveEntry e = new ZipArchiveEntry(item.name());
                e.setUnixMode(item.unixType() | 0644);
                out.putArchiveEntry(e);
                out.write(item.content().getBytes(StandardCharsets.UTF_8));
                out.closeArchiveEntry();
            }
        }
        return zip;
    }

    /** Path to type and content: what a user relies on after a restore. */
    static TreeMap<String, String> content(Path root) throws IOException {
        TreeMap<String, String> out = new TreeMap<>();
        try (Stream<Path> s = Files.walk(root)) {
            for (Path p : (Iterable<Path>) s::iterator) {
                String rel = root.relativize(p).toString();
                if (rel.isEmpty()) {
                    continue;
                }
                if (Files.isSymbolicLink(p)) {
                    out.put(rel, "link " + Files.readSymbolicLink(p));
                } else if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
                    out.put(rel, "dir");
                } else {
                    out.put(rel, "file " + TestTrees.sha256(p));
                }
            }
        }
        return out;
    }

    private BackupPlan plan() {
        return BackupPlan.builder().destination(tmp.resolve("dest")).build();
    }

    /** The parts PlexBackup.ps1 would write for {@link #source()}, cut the way it cuts them. */
    private List<RestorePart> plexBackupParts(Path s) throws IOException {
        Path b = tmp.resolve("backup/20240131235959");
        List<RestorePart> parts = new ArrayList<>();
        Path rootZip = b.resolve("1/Plex.zip");
        Files.createDirectories(rootZip.getParent());
        try (ZipArchiveOutputStream out = new ZipArchiveOutputStream(rootZip)) {
            for (String f : List.of("Preferences.xml", "Setup Plex.html")) {
                out.putArchiveEntry(new ZipArchiveEntry(f));
                out.write(Files.readAllBytes(s.resolve(f)));
                out.closeArchiveEntry();
            }
        }
        parts.add(RestorePart.archive(rootZip, "").windowsSeparators(true));
        parts.add(RestorePart.archive(zipContent(b.resolve("2/Metadata.zip"), s.resolve("Metadata"), true,
                rel -> false), "Metadata").windowsSeparators(true));
        parts.add(RestorePart.archive(zipContent(b.resolve("2/Plug-in Support.zip"), s.resolve("Plug-in Support"),
                true, rel -> ("Plug-in Support/" + rel).startsWith(SPECIAL)), "Plug-in Support")
                .windowsSeparators(true));
        Path mirror = b.resolve("2/Media");
        copyTree(s.resolve("Media"), mirror);
        parts.add(RestorePart.folder(mirror, "Media"));
        copyTree(s.resolve(SPECIAL), b.resolve("4").resolve(SPECIAL));
        parts.add(RestorePart.folder(b.resolve("4"), ""));
        return parts;
    }

    private static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> s = Files.walk(from)) {
            for (Path p : (Iterable<Path>) s::iterator) {
                Path dest = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(dest);
                } else {
                    Files.createDirectories(dest.getParent());
                    Files.copy(p, dest);
                }
            }
        }
    }

    @Test
    void shouldRestoreArchivesAndFoldersIntoOneTreeThatEqualsTheSource() throws IOException {
        Path s = source();
        List<RestorePart> parts = plexBackupParts(s);
        Path target = Refusals.target(tmp);

        RestoreResult r = plan().restore(RestoreRequest.fromParts(parts).target(target));

        assertThat(content(target)).isEqualTo(content(s));
        assertThat(r.snapshotId()).isEqualTo("20240131235959");
        assertThat(r.files()).isEqualTo(7);
        assertThat(r.dryRun()).isFalse();
        assertThat(target.resolve("live.txt")).doesNotExist(); // replaced as a whole, like a snapshot
        assertThat(Refusals.everythingUnder(tmp.resolve("work"))).noneMatch(p -> p.contains("backupkit-restore"));
    }

    @Test
    void shouldCheckEverythingAndWriteNothingOnADryRun() throws IOException {
        List<RestorePart> parts = plexBackupParts(source());
        Path target = Refusals.target(tmp);
        RestoreStep step = RestoreStep.named("mark the restore", staged -> write(staged.extracted().resolve("m"), ""));

        RestoreResult r = plan().restore(RestoreRequest.fromParts(parts).target(target).step(step).dryRun(true));

        assertThat(r.dryRun()).isTrue();
        assertThat(r.files()).isEqualTo(7);
        assertThat(r.steps()).anyMatch(l -> l.contains("backup 20240131235959 is sound: extract 7 files"))
                .anyMatch(l -> l.contains("apply the restore step \"mark the restore\""));
        assertThat(Refusals.everythingUnder(tmp.resolve("work"))).containsExactlyInAnyOrder("", "target",
                "target/live.txt");
    }

    @Test
    void shouldRunRestoreStepsOnTheExtractedPartsBeforeTheSwap() throws IOException {
        List<RestorePart> parts = plexBackupParts(source());
        Path target = Refusals.target(tmp);
        List<String> seen = new ArrayList<>();
        RestoreStep step = RestoreStep.named("keep the target's live.txt", staged -> {
            seen.add(staged.snapshotId());
            assertThat(staged.extracted().resolve("Metadata/TV Shows/c.txt")).hasContent("c");
            Files.copy(staged.target().resolve("live.txt"), staged.extracted().resolve("live.txt"));
        });

        plan().restore(RestoreRequest.fromParts(parts).target(target).step(step));

        assertThat(seen).containsExactly("20240131235959");
        assertThat(target.resolve("live.txt")).hasContent("live data");
        assertThat(target.resolve("Preferences.xml")).exists();

        RestoreStep failing = RestoreStep.named("fail", staged -> {
            throw new IOException("no");
        });
        Path again = tmp.resolve("again");
        Files.createDirectories(again);
        Files.writeString(again.resolve("live.txt"), "live data");
        assertThatThrownBy(() -> plan().restore(RestoreRequest.fromParts(parts).target(again).step(failing)))
                .isInstanceOf(BackupException.class).hasMessageContaining("\"fail\"");
        assertThat(Refusals.everythingUnder(again)).containsExactlyInAnyOrder("", "live.txt");
    }

    @Test
    void shouldMergeFoldersThatSeveralPartsHoldButRefuseAFileTwo() throws IOException {
        Path a = zip("b/1/a.zip", Item.file("Plug-in Support/Data/x.txt", "x"));
        Path f = tmp.resolve("b/4/Plug-in Support/Data/y.txt");
        write(f, "y");
        Path target = Refusals.target(tmp);

        plan().restore(RestoreRequest.fromParts(RestorePart.archive(a, ""), RestorePart.folder(f.getParent()
                .getParent().getParent(), "")).target(target));
        assertThat(target.resolve("Plug-in Support/Data/x.txt")).hasContent("x");
        assertThat(target.resolve("Plug-in Support/Data/y.txt")).hasContent("y");

        Path twice = zip("b/2/Plug-in Support.zip", Item.file("Data/y.txt", "other"));
        assertRefused(List.of(RestorePart.archive(twice, "Plug-in Support"),
                RestorePart.folder(tmp.resolve("b/4"), "")), "Plug-in Support/Data/y.txt", "two parts of the "
                + "restore write the same path");
    }

    private void assertRefused(List<RestorePart> parts, String entry, String why) throws IOException {
        Path target = Refusals.target(tmp);
        List<String> before = Refusals.everythingUnder(tmp);
        assertThatThrownBy(() -> plan().restore(RestoreRequest.fromParts(parts).target(target)))
                .isInstanceOfSatisfying(RestoreException.class, e -> {
                    assertThat(e.entry()).hasValueSatisfying(v -> assertThat(entry.replace('\\', '/'))
                            .contains(v.replace('\\', '/')));
                    assertThat(e.getMessage()).contains(why);
                });
        assertThat(target.resolve("live.txt")).hasContent("live data");
        assertThat(Refusals.everythingUnder(tmp)).containsExactlyInAnyOrderElementsOf(before);
        assertThat(tmp.getParent().resolve("evil.txt")).doesNotExist();
    }

    @Test
    void shouldRefuseAFileOfOnePartWrittenThroughALinkOfAnother() throws IOException {
        Path links = zip("b/1/Plex.zip", Item.link("Metadata", "../../../outside"));
        Path through = zip("b/2/Metadata.zip", Item.file("evil.txt", "x"));
        assertRefused(List.of(RestorePart.archive(links, ""), RestorePart.archive(through, "Metadata")),
                "Metadata", "through the link 'Metadata'");
        Path inside = zip("b/1/inside.zip", Item.link("Metadata", "Cache"));
        assertRefused(List.of(RestorePart.archive(inside, ""), RestorePart.archive(through, "Metadata")),
                "Metadata", "through the link 'Metadata'");
    }

    @Test
    void shouldRefuseALinkThatEscapesThroughALinkOfAnotherPart() throws IOException {
        Path up = zip("b/1/up.zip", Item.link("a/b", ".."));
        Path folder = tmp.resolve("b/4");
        Files.createDirectories(folder);
        Files.createSymbolicLink(folder.resolve("out"), Path.of("a/b/.."));
        assertRefused(List.of(RestorePart.archive(up, ""), RestorePart.folder(folder, "")), "out",
                "unsafe link");
    }

    @Test
    void shouldRefuseAFolderPartWithALinkPointingOutside() throws IOException {
        Path folder = tmp.resolve("b/4/Media");
        Files.createDirectories(folder);
        Files.createSymbolicLink(folder.resolve("passwd"), Path.of("/etc/passwd"));
        assertRefused(List.of(RestorePart.folder(tmp.resolve("b/4"), "")), "Media/passwd", "absolute");
        Files.delete(folder.resolve("passwd"));
        Files.createSymbolicLink(folder.resolve("up"), Path.of("../../../evil.txt"));
        assertRefused(List.of(RestorePart.folder(tmp.resolve("b/4"), "")), "Media/up", "outside the restore target");
    }

    @Test
    void shouldRefuseAFolderPartHoldingAHardLinkOrASocket() throws IOException {
        Path folder = tmp.resolve("b/4");
        Path secret = tmp.resolve("secret.txt");
        Files.writeString(secret, "secret");
        Files.createDirectories(folder);
        Files.createLink(folder.resolve("copy.txt"), secret);
        assertRefused(List.of(RestorePart.folder(folder, "")), "copy.txt", "hard links");
        Files.delete(folder.resolve("copy.txt"));
        try (ServerSocketChannel socket = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            socket.bind(UnixDomainSocketAddress.of(folder.resolve("sock")));
            assertRefused(List.of(RestorePart.folder(folder, "")), "sock", "socket");
        }
    }

    @Test
    void shouldRefuseAFolderPartThatIsALinkOrMissing() throws IOException {
        Path real = Files.createDirectories(tmp.resolve("real"));
        Path link = Files.createSymbolicLink(tmp.resolve("b4"), real);
        Path target = Refusals.target(tmp);
        assertThatThrownBy(() -> plan().restore(RestoreRequest.fromParts(RestorePart.folder(link, "")).target(target)))
                .isInstanceOf(BackupException.class).hasMessageContaining(link.toString())
                .hasMessageContaining("symbolic link");
        assertThatThrownBy(() -> plan().restore(RestoreRequest.fromParts(RestorePart.archive(tmp.resolve("no.zip"),
                "")).target(target))).isInstanceOf(BackupException.class).hasMessageContaining("no.zip")
                .hasMessageContaining("does not exist");
        assertThat(Refusals.everythingUnder(target)).containsExactlyInAnyOrder("", "live.txt");
    }

    /** A zip of raw names, flagged as made on Windows or on Unix. */
    private Path rawZip(String rel, boolean madeOnWindows, String... names) throws IOException {
        Path zip = tmp.resolve(rel);
        Files.createDirectories(zip.getParent());
        try (ZipArchiveOutputStream out = new ZipArchiveOutputStream(zip)) {
            for (String name : names) {
                out.putArchiveEntry(new RawZipEntry(name, madeOnWindows));
                if (!name.endsWith("\\")) {
                    out.write(name.getBytes(StandardCharsets.UTF_8));
                }
                out.closeArchiveEntry();
            }
        }
        return zip;
    }

    @Test
    void shouldReadBackslashesAsSeparatorsOnlyWhenAskedAndStillRefuseClimbing() throws IOException {
        Path unix = rawZip("b/2/Metadata.zip", false, "Movies\\a.xml", "Empty\\");
        Path target = Refusals.target(tmp);
        plan().restore(RestoreRequest.fromParts(RestorePart.archive(unix, "Metadata").windowsSeparators(true))
                .target(target));
        assertThat(target.resolve("Metadata/Movies/a.xml")).hasContent("Movies\\a.xml");
        assertThat(target.resolve("Metadata/Empty")).isEmptyDirectory();
        assertRefused(List.of(RestorePart.archive(unix, "Metadata")), "Movies\\a.xml", "'\\'");

        // a zip flagged as made on Windows (Compress-Archive's) is read with '/' whatever the setting
        Path windows = rawZip("b/2/Media.zip", true, "localhost\\1\\thumb.jpg");
        plan().restore(RestoreRequest.fromParts(RestorePart.archive(windows, "Media")).target(target));
        assertThat(target.resolve("Media/localhost/1/thumb.jpg")).hasContent("localhost\\1\\thumb.jpg");

        for (boolean madeOnWindows : new boolean[] {true, false}) {
            Path climb = rawZip("b/2/Climb" + madeOnWindows + ".zip", madeOnWindows, "..\\..\\evil.txt");
            assertRefused(List.of(RestorePart.archive(climb, "Climb").windowsSeparators(true)), "../../evil.txt",
                    "'..'");
            Path abs = rawZip("b/2/Abs" + madeOnWindows + ".zip", madeOnWindows, "C:\\evil.txt");
            assertRefused(List.of(RestorePart.archive(abs, "Abs").windowsSeparators(true)), "C:/evil.txt",
                    "absolute");
        }
    }

    @Test
    void shouldRefuseNamesThatDifferOnlyInCaseAcrossParts() throws IOException {
        Path a = zip("b/1/a.zip", Item.file("Metadata/a.txt", "1"));
        Path b = zip("b/2/metadata.zip", Item.file("a.txt", "2"));
        assertRefused(List.of(RestorePart.archive(a, ""), RestorePart.archive(b, "metadata")), "metadata",
                "letter case");
    }

    @Test
    void shouldCountTheLimitsOverAllPartsAndTheRatioPerArchive() throws IOException {
        Path one = zip("b/1/one.zip", Item.file("1", ""), Item.file("2", ""));
        Path two = zip("b/2/two.zip", Item.file("3", ""));
        Path target = Refusals.target(tmp);
        BackupPlan entries = plan().toBuilder().restoreLimits(RestoreLimits.defaults().maxEntries(2)).build();
        assertThatThrownBy(() -> entries.restore(RestoreRequest.fromParts(RestorePart.archive(one, ""),
                RestorePart.archive(two, "two")).target(target)))
                .isInstanceOfSatisfying(RestoreException.class, e -> assertThat(e.entry()).contains("3"))
                .hasMessageContaining("two.zip").hasMessageContaining("RestoreLimits.maxEntries");

        Path bomb = zip("b/2/bomb.zip", Item.file("zeros.bin", "\0".repeat(20 << 20)));
        Path big = tmp.resolve("b/4/big.bin");
        write(big, "x".repeat(20 << 20)); // as much, but a plain file: no ratio
        BackupPlan ratio = plan().toBuilder().restoreLimits(RestoreLimits.defaults().maxRatio(100)).build();
        assertThatThrownBy(() -> ratio.restore(RestoreRequest.fromParts(RestorePart.folder(big.getParent(), ""),
                RestorePart.archive(bomb, "bomb")).target(target)))
                .isInstanceOf(RestoreException.class).hasMessageContaining("zeros.bin")
                .hasMessageContaining("RestoreLimits.maxRatio");
        BackupPlan bytes = plan().toBuilder().restoreLimits(RestoreLimits.defaults().maxBytes(30 << 20)).build();
        assertThatThrownBy(() -> bytes.restore(RestoreRequest.fromParts(RestorePart.folder(big.getParent(), ""),
                RestorePart.archive(bomb, "bomb")).target(target)))
                .isInstanceOf(RestoreException.class).hasMessageContaining("RestoreLimits.maxBytes");
        assertThat(Refusals.everythingUnder(target)).containsExactlyInAnyOrder("", "live.txt");

        ratio.restore(RestoreRequest.fromParts(RestorePart.folder(big.getParent(), "")).target(target));
        assertThat(Files.size(target.resolve("big.bin"))).isEqualTo(20 << 20);
    }

    /** A service that only reports a version. */
    private static ServiceController app(String version) {
        return new ServiceController() {
            @Override
            public String id() {
                return "app";
            }

            @Override
            public boolean isRunning() {
                return false;
            }

            @Override
            public void stop(Duration timeout) {
            }

            @Override
            public void start() {
            }

            @Override
            public Optional<String> version() {
                return Optional.of(version);
            }
        };
    }

    @Test
    void shouldCheckTheRecordedApplicationVersionLikeASnapshots() throws IOException {
        Path zip = zip("b/1/Plex.zip", Item.file("Preferences.xml", "<Preferences/>"));
        Path target = Refusals.target(tmp);
        RestoreRequest request = RestoreRequest.fromParts(RestorePart.archive(zip, "")).appVersion("1.40.2.8395")
                .target(target);

        assertThatThrownBy(() -> plan().toBuilder().service(app("1.32.5.7349-8f4248874")).build().restore(request))
                .isInstanceOf(AppVersionMismatchException.class)
                .hasMessageContaining("Backup Plex.zip was taken from application version 1.40.2.8395 and "
                        + "1.32.5.7349-8f4248874 is running");
        assertThatThrownBy(() -> plan().toBuilder().service(app("1.41.0.1")).versionCheck(VersionCheck.EXACT)
                .build().restore(request)).isInstanceOf(AppVersionMismatchException.class)
                .hasMessageContaining("VersionCheck.EXACT");
        assertThat(Refusals.everythingUnder(target)).containsExactlyInAnyOrder("", "live.txt");

        RestoreResult dry = plan().toBuilder().service(app("1.41.0.1")).build().restore(request.dryRun(true));
        assertThat(dry.steps()).anyMatch(l -> l.contains("1.40.2.8395 recorded vs running 1.41.0.1: accepted"));
        RestoreResult r = plan().toBuilder().service(app("1.32.5.7349")).versionCheck(VersionCheck.IGNORE).build()
                .restore(request.label("my backup"));
        assertThat(target.resolve("Preferences.xml")).hasContent("<Preferences/>");
        assertThat(r.snapshotId()).isEqualTo("my backup");
    }

    @Test
    void shouldKeepExcludedPathsOfTheTargetUnlessTheBackupHoldsThem() throws IOException {
        Path zip = zip("b/1/Plex.zip", Item.file("Preferences.xml", "new"), Item.file("Cache/c.txt", "backup's"));
        Path target = Refusals.target(tmp);
        write(target.resolve("Logs/server.log"), "live log");
        write(target.resolve("Cache/c.txt"), "live cache");
        BackupPlan p = plan().toBuilder().exclude("Logs/**", "Cache/**").build();

        RestoreResult r = p.restore(RestoreRequest.fromParts(RestorePart.archive(zip, "")).target(target));

        assertThat(r.kept()).isEqualTo(1);
        assertThat(target.resolve("Logs/server.log")).hasContent("live log");
        assertThat(target.resolve("Cache/c.txt")).hasContent("backup's");
    }

    @Test
    void shouldGiveTheRestoredFilesTheOwnerAskedAlsoForASingleArchive() throws IOException {
        Path zip = zip("b/1/Plex.zip", Item.file("Preferences.xml", "<Preferences/>"));
        Path target = Refusals.target(tmp);
        assertThatThrownBy(() -> plan().restore(RestoreRequest.fromParts(RestorePart.archive(zip, ""))
                .owner("no-such-user-4711").target(target))).isInstanceOf(BackupException.class)
                .hasMessageContaining("no user 'no-such-user-4711'");
        assertThatThrownBy(() -> plan().restore(RestoreRequest.fromArchive(zip).owner("no-such-user-4711")
                .target(target))).isInstanceOf(BackupException.class).hasMessageContaining("no-such-user-4711");
        assertThat(Refusals.everythingUnder(target)).containsExactlyInAnyOrder("", "live.txt");

        RestoreRequest nobody = RestoreRequest.fromArchive(zip).owner("nobody").target(target);
        if (!"root".equals(System.getProperty("user.name"))) {
            assertThatThrownBy(() -> plan().restore(nobody)).isInstanceOf(BackupException.class)
                    .hasMessageContaining("needs root");
            assertThat(target.resolve("live.txt")).hasContent("live data");
            return;
        }
        plan().restore(nobody);
        assertThat(Files.getOwner(target.resolve("Preferences.xml"), LinkOption.NOFOLLOW_LINKS).getName())
                .isEqualTo("nobody");
    }

    @Test
    void shouldRejectBadPartsAndRequests() {
        assertThatThrownBy(() -> RestorePart.archive(Path.of("a.zip"), "../up")).isInstanceOf(
                InvalidPlanException.class).hasMessageContaining("'../up'");
        assertThatThrownBy(() -> RestorePart.folder(Path.of("4"), "/abs")).isInstanceOf(InvalidPlanException.class)
                .hasMessageContaining("'/abs'");
        assertThatThrownBy(() -> RestorePart.folder(Path.of("4"), "a\\b")).isInstanceOf(InvalidPlanException.class);
        assertThatThrownBy(() -> RestorePart.archive((Path) null, "")).isInstanceOf(InvalidPlanException.class);
        assertThatThrownBy(() -> RestorePart.archive(Path.of("a.zip"), null)).isInstanceOf(
                InvalidPlanException.class);
        assertThatThrownBy(() -> RestorePart.folder(Path.of("4"), "").windowsSeparators(true))
                .isInstanceOf(InvalidPlanException.class).hasMessageContaining("is a folder");
        assertThatThrownBy(() -> RestoreRequest.fromParts(List.of())).isInstanceOf(InvalidPlanException.class);
        assertThatThrownBy(() -> RestoreRequest.fromParts(RestorePart.archive(Path.of("a.zip"), ""),
                RestorePart.archive(Path.of("a.zip"), "x"))).isInstanceOf(InvalidPlanException.class)
                .hasMessageContaining("given twice");
        assertThatThrownBy(() -> RestoreRequest.latest().appVersion("1.0")).isInstanceOf(InvalidPlanException.class)
                .hasMessageContaining("records its own");
        assertThatThrownBy(() -> RestoreRequest.fromParts(RestorePart.folder(Path.of("4"), "")).appVersion(" "))
                .isInstanceOf(InvalidPlanException.class);
        assertThatThrownBy(() -> RestoreRequest.fromParts(RestorePart.folder(Path.of("4"), "")).only("a"))
                .isInstanceOf(InvalidPlanException.class);
        assertThat(RestorePart.archive("b/2/Metadata.zip", "Metadata/").under()).isEqualTo("Metadata");
        assertThat(RestoreRequest.fromArchive(Path.of("a.zip")).parts())
                .containsExactly(RestorePart.archive(Path.of("a.zip"), ""));
        assertThatThrownBy(() -> RestoreRequest.of("20240101T000000Z").label("x"))
                .isInstanceOf(InvalidPlanException.class).hasMessageContaining("has its id");
        assertThatThrownBy(() -> RestoreRequest.fromParts(RestorePart.folder(Path.of("4"), "")).label(""))
                .isInstanceOf(InvalidPlanException.class);
    }
}
