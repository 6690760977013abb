package io.backupkit.examples.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.backupkit.examples.demo.TreeComparison;
import io.backupkit.examples.profiles.LibraryFixtures;
import io.backupkit.examples.profiles.IdentityFixtures;
import io.backupkit.internal.DestinationLock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

class RestoreCommandTest {

    @TempDir
    Path tmp;

    private Path source;
    private String dest;

    private String backup() throws IOException {
        source = Fixtures.source(tmp.resolve("Plex Media Server"));
        dest = tmp.resolve("backups").toString();
        return Fixtures.snapshotId(CliRun.of("backup", "--source", source.toString(), "--dest", dest,
                "--exclude", "Logs/**"));
    }

    @Test
    void shouldRoundTripBackupListVerifyAndRestore() throws IOException {
        String id = backup();

        CliRun list = CliRun.of("list", "--dest", dest);
        assertThat(list.exit()).isZero();
        assertThat(list.outLines()).hasSize(2);
        assertThat(list.outLines().get(1)).startsWith(id).contains("complete").contains(" 5 ").endsWith("zip");

        CliRun verify = CliRun.of("verify", "--dest", dest);
        assertThat(verify.exit()).as(verify.toString()).isZero();
        assertThat(verify.out()).matches("Snapshot " + id + " is sound: 5 files, \\d+ bytes checked\\R");

        Path target = tmp.resolve("restored");
        CliRun restore = CliRun.of("restore", "--dest", dest, "--target", target.toString());
        assertThat(restore.exit()).as(restore.toString()).isZero();
        assertThat(restore.out()).matches("Restored snapshot " + id + " into " + target.toAbsolutePath()
                .normalize() + ": 5 files, \\d+ bytes in \\d+\\.\\d\\ds \\(0 excluded paths kept\\)\\R");
        assertThat(restore.err()).isEmpty();
        assertThat(TreeComparison.differences(source, target, rel -> rel.startsWith("Logs"), 10)).isEmpty();
        assertThat(target.resolve("Logs")).doesNotExist();
        assertThat(target.resolve("Codecs")).isEmptyDirectory();
        assertThat(Files.readSymbolicLink(target.resolve("Plug-in Support/Databases/current.db")))
                .isEqualTo(Path.of("com.plexapp.plugins.library.db"));
    }

    @Test
    void shouldRestoreANamedSnapshotInPlaceKeepingExcludedPaths() throws IOException {
        String id = backup();
        Fixtures.write(source, "Preferences.xml", "changed after the backup");
        Fixtures.write(source, "Metadata/new.xml", "added after the backup");

        CliRun run = CliRun.of("restore", "--dest", dest, "--source", source.toString(), "--snapshot", id);

        assertThat(run.exit()).as(run.toString()).isZero();
        assertThat(run.out()).contains("(1 excluded paths kept)");
        assertThat(source.resolve("Preferences.xml")).content().startsWith("<Preferences");
        assertThat(source.resolve("Metadata/new.xml")).doesNotExist();
        assertThat(source.resolve("Logs/Plex Media Server.log")).hasContent("log line");
    }

    @Test
    void shouldTouchNothingOnADryRun() throws IOException {
        String id = backup();
        Path target = tmp.resolve("restored");

        CliRun run = CliRun.of("restore", "--dest", dest, "--target", target.toString(), "--dry-run");

        assertThat(run.exit()).as(run.toString()).isZero();
        assertThat(run.out()).startsWith("Dry run: snapshot " + id + " is sound; would restore 5 files");
        assertThat(target).doesNotExist();
    }

    @Test
    void shouldPrintTheResultAsJson() throws IOException {
        String id = backup();

        CliRun run = CliRun.of("restore", "--dest", dest, "--target", tmp.resolve("r").toString(), "--json");

        assertThat(run.exit()).as(run.toString()).isZero();
        JsonNode json = new ObjectMapper().readTree(run.out());
        assertThat(json.get("snapshotId").asText()).isEqualTo(id);
        assertThat(json.get("files").asLong()).isEqualTo(5);
        assertThat(json.get("target").asText()).isEqualTo(tmp.resolve("r").toString());
    }

    @Test
    void shouldExitWithUsageErrorWithoutTargetOrSource() throws IOException {
        backup();

        CliRun run = CliRun.of("restore", "--dest", dest);

        assertThat(run.exit()).isEqualTo(2);
        assertThat(run.err()).contains("--target").contains("Try 'backupkit restore --help'");
    }

    @Test
    void shouldFailNamingAnUnknownSnapshotId() throws IOException {
        String id = backup();
        Path target = tmp.resolve("restored");

        CliRun run = CliRun.of("restore", "--dest", dest, "--target", target.toString(), "--snapshot",
                "20000101T000000Z");

        assertThat(run.exit()).isEqualTo(1);
        assertThat(run.errLines()).hasSize(1);
        assertThat(run.err()).contains("20000101T000000Z").contains(id);
        assertThat(target).doesNotExist();
    }

    @Test
    void shouldFailWhenTheTargetIsAFile() throws IOException {
        backup();
        Path file = tmp.resolve("target.txt");
        Files.writeString(file, "precious");

        CliRun run = CliRun.of("restore", "--dest", dest, "--target", file.toString());

        assertThat(run.exit()).isEqualTo(1);
        assertThat(run.errLines()).hasSize(1);
        assertThat(run.err()).contains(file.toString()).contains("is a file");
        assertThat(file).hasContent("precious");
    }

    @Test
    void shouldFailWhenTheDestinationHoldsNoSnapshot() throws IOException {
        Path empty = Files.createDirectories(tmp.resolve("empty"));

        CliRun run = CliRun.of("restore", "--dest", empty.toString(), "--target", tmp.resolve("t").toString());

        assertThat(run.exit()).isEqualTo(1);
        assertThat(run.err()).contains("No complete snapshot").contains(empty.toString());
    }

    @Test
    void shouldRefuseACorruptedSnapshotAndLeaveTheTargetUnchanged() throws IOException {
        backup();
        VerifyCommandTest.corruptUnit(Path.of(dest), "Metadata");
        Path target = Fixtures.source(tmp.resolve("target"));
        Map<String, String> before = Fixtures.snapshotOf(target);

        CliRun run = CliRun.of("restore", "--dest", dest, "--target", target.toString());

        assertThat(run.exit()).isEqualTo(1);
        assertThat(run.errLines().get(0)).startsWith("backupkit: error: ").contains("damaged").contains("Metadata");
        assertThat(run.errLines().subList(1, run.errLines().size())).isNotEmpty()
                .allMatch(line -> line.startsWith("  "))
                .anyMatch(line -> line.contains("unit 'Metadata'"));
        assertThat(run.out()).isEmpty();
        assertThat(Fixtures.snapshotOf(target)).isEqualTo(before);
        assertThat(Fixtures.snapshotOf(tmp).keySet()).noneMatch(p -> p.contains(".backupkit-restore"));
    }

    @Test
    void shouldFailNamingTheHolderWhileTheDestinationIsLocked() throws IOException {
        backup();
        Path target = Fixtures.source(tmp.resolve("target"));
        Map<String, String> before = Fixtures.snapshotOf(target);
        CliRun run;
        DestinationLock lock = DestinationLock.acquire(Path.of(dest), "test");
        try {
            run = CliRun.of("restore", "--dest", dest, "--target", target.toString());
        } finally {
            lock.close();
        }

        assertThat(run.exit()).isEqualTo(1);
        assertThat(run.errLines()).hasSize(1);
        assertThat(run.err()).contains("locked").contains("pid " + ProcessHandle.current().pid());
        assertThat(Fixtures.snapshotOf(target)).isEqualTo(before);
    }

    @Test
    void shouldRefuseATargetThatHoldsTheDestinationThroughALink() throws IOException {
        Path real = Files.createDirectories(tmp.resolve("real"));
        Fixtures.write(real, "other.txt", "keep");
        Path link = Files.createSymbolicLink(tmp.resolve("link"), real);
        Path source = Fixtures.source(tmp.resolve("source"));
        String backups = real.resolve("backups").toString();
        Fixtures.snapshotId(CliRun.of("backup", "--source", source.toString(), "--dest", backups));
        Map<String, String> before = Fixtures.snapshotOf(real);

        CliRun run = CliRun.of("restore", "--dest", backups, "--source", source.toString(), "--target",
                link.toString());

        assertThat(run.exit()).isEqualTo(1);
        assertThat(run.errLines()).hasSize(1);
        assertThat(run.err()).contains(link.toString()).contains("contains the destination")
                .contains("symbolic link");
        assertThat(Fixtures.snapshotOf(real)).isEqualTo(before);
    }

    @Test
    void shouldRefuseATargetInsideTheDestination() throws IOException {
        backup();
        Path inside = Path.of(dest).resolve("restored");

        CliRun run = CliRun.of("restore", "--dest", dest, "--target", inside.toString());

        assertThat(run.exit()).isEqualTo(1);
        assertThat(run.err()).contains("inside the destination");
        assertThat(inside).doesNotExist();
    }

    @Test
    void shouldRestoreAnArchiveMadeByAnotherTool() throws IOException {
        String id = backup();
        Path zip = tmp.resolve("backups").resolve(id).resolve("units/Metadata.zip");
        Path copy = tmp.resolve("downloads/Metadata.zip");
        Files.createDirectories(copy.getParent());
        Files.copy(zip, copy);
        Path target = tmp.resolve("from-archive");

        CliRun run = CliRun.of("restore", "--archive", copy.toString(), "--target", target.toString());

        assertThat(run.exit()).as(run.toString()).isZero();
        assertThat(run.out()).startsWith("Restored archive Metadata.zip into ");
        assertThat(target.resolve("Metadata/Movies/a/bc.bundle/Contents/_combined/Info.xml"))
                .hasContent("<Movie title=\"A\"/>\n");
    }

    @Test
    void shouldRefuseAnArchiveBeyondTheLimitsNamingTheEntry() throws IOException {
        String id = backup();
        Path zip = tmp.resolve("backups").resolve(id).resolve("units/Metadata.zip");

        CliRun run = CliRun.of("restore", "--archive", zip.toString(), "--target", tmp.resolve("t").toString(),
                "--max-entries", "2");

        assertThat(run.exit()).isEqualTo(1);
        assertThat(run.errLines()).hasSize(1);
        assertThat(run.err()).contains("Refused entry 'Metadata/Movies/a").contains("RestoreLimits.maxEntries");
    }

    @Test
    void shouldRequireDestOrArchive() {
        CliRun run = CliRun.of("restore", "--target", tmp.resolve("t").toString());
        assertThat(run.exit()).isEqualTo(2);
        assertThat(run.err()).contains("--dest DIR (or --archive FILE, or --from-plexbackup PATH)");
    }

    @Test
    void shouldRestoreOnlyTheGivenPaths() throws IOException {
        Path source = Fixtures.source(tmp.resolve("only-source"));
        String backups = tmp.resolve("only-dest").toString();
        String id = Fixtures.snapshotId(CliRun.of("backup", "--source", source.toString(), "--dest", backups));
        Path target = tmp.resolve("only-target");
        Files.createDirectories(target);
        Files.writeString(target.resolve("keep.txt"), "live");

        CliRun run = CliRun.of("restore", "--dest", backups, "--snapshot", id, "--target", target.toString(),
                "--only", "Metadata");

        assertThat(run.exit()).as(run.toString()).isZero();
        assertThat(target.resolve("keep.txt")).hasContent("live");
        assertThat(target.resolve("Metadata")).isDirectory();
        assertThat(target.resolve("Logs")).doesNotExist();

        CliRun missing = CliRun.of("restore", "--dest", backups, "--target", target.toString(), "--only", "Nope");
        assertThat(missing.exit()).isEqualTo(1);
        assertThat(missing.err()).contains("holds no 'Nope'");
        CliRun bad = CliRun.of("restore", "--dest", backups, "--target", target.toString(), "--only", "../x");
        assertThat(bad.exit()).isEqualTo(2);
        assertThat(bad.err()).contains("restore path '../x'");
    }

    @Test
    void shouldGiveTheRestoredFilesTheOwnerAskedOrRefuseABadOne() throws IOException {
        Path source = Fixtures.source(tmp.resolve("owner-source"));
        String backups = tmp.resolve("owner-dest").toString();
        Fixtures.snapshotId(CliRun.of("backup", "--source", source.toString(), "--dest", backups));
        Path target = tmp.resolve("owner-target");

        CliRun unknown = CliRun.of("restore", "--dest", backups, "--target", target.toString(), "--owner",
                "no-such-user-4711");
        assertThat(unknown.exit()).isEqualTo(1);
        assertThat(unknown.err()).contains("no user 'no-such-user-4711'");
        CliRun malformed = CliRun.of("restore", "--dest", backups, "--target", target.toString(), "--owner", "a:b:c");
        assertThat(malformed.exit()).isEqualTo(2);
        if ("root".equals(System.getProperty("user.name"))) {
            CliRun run = CliRun.of("restore", "--dest", backups, "--target", target.toString(), "--owner",
                    "nobody:nogroup");
            assertThat(run.exit()).as(run.toString()).isZero();
            assertThat(Files.getOwner(target.resolve("Metadata"), java.nio.file.LinkOption.NOFOLLOW_LINKS).getName())
                    .isEqualTo("nobody");
        }
    }

    // ---------------------------------------------------------------- --remap

    private String jellyfinBackup() throws Exception {
        source = LibraryFixtures.jellyfin(tmp.resolve("jellyfin"), "/srv/media", '/');
        dest = tmp.resolve("backups").toString();
        return Fixtures.snapshotId(CliRun.of("backup", "--profile", "jellyfin", "--source", source.toString(),
                "--dest", dest));
    }

    @Test
    void shouldRemapMediaPathsWithAProfileAndWarnAboutAPairThatMatchedNothing() throws Exception {
        String id = jellyfinBackup();
        Path target = tmp.resolve("new-server");

        CliRun run = CliRun.of("restore", "--profile", "jellyfin", "--dest", dest, "--target", target.toString(),
                "--remap", "/srv/media=/mnt/media", "--remap", "/srv/tv=/mnt/tv");

        assertThat(run.exit()).as(run.toString()).isZero();
        assertThat(run.out()).startsWith("Restored snapshot " + id + " into " + target);
        assertThat(run.errLines()).containsExactly("warning: remap '/srv/tv=/mnt/tv' matched no path in the restored"
                + " jellyfin library definitions or database");
        assertThat(target.resolve("root/default/Movies/Movies.mblink")).hasContent("/mnt/media/Movies");
        assertThat(target.resolve("root/default/Movies/options.xml")).content()
                .contains("<Path>/mnt/media/Movies</Path>").contains("<Path>/mnt/media2/Movies</Path>");
        assertThat(LibraryFixtures.column(target.resolve("data/jellyfin.db"),
                "SELECT Path FROM BaseItems WHERE Id = 'movie-1'"))
                .containsExactly("/mnt/media/Movies/Film 1 (1951)/Film 1.mkv");
        assertThat(LibraryFixtures.integrity(target.resolve("data/jellyfin.db"))).containsExactly("ok");
    }

    @Test
    void shouldRemapWithTheProfileOfAConfigFile() throws Exception {
        jellyfinBackup();
        Path config = tmp.resolve("jellyfin.json");
        Files.writeString(config, "{\"profile\": \"jellyfin\", \"destination\": \"" + dest + "\"}");
        Path target = tmp.resolve("new-server");

        CliRun run = CliRun.of("restore", "--config", config.toString(), "--target", target.toString(),
                "--remap", "/srv/media/=/mnt/media/");

        assertThat(run.exit()).as(run.toString()).isZero();
        assertThat(run.err()).isEmpty();
        assertThat(target.resolve("root/default/Shows/Shows.mblink")).hasContent("/mnt/media/Shows\n");
    }

    @Test
    void shouldListTheRemapStepOnADryRun() throws Exception {
        jellyfinBackup();
        Path target = tmp.resolve("new-server");

        CliRun run = CliRun.of("restore", "--profile", "jellyfin", "--dest", dest, "--target", target.toString(),
                "--remap", "D:\\Media=/mnt/media", "--dry-run");

        assertThat(run.exit()).as(run.toString()).isZero();
        assertThat(run.outLines()).contains("  would apply the restore step \"remap the jellyfin media paths"
                + " D:\\Media -> /mnt/media\" to the extracted files");
        assertThat(target).doesNotExist();
    }

    @Test
    void shouldRefuseRemapWithoutAProfile() throws Exception {
        backup();
        Path target = tmp.resolve("restored");

        CliRun run = CliRun.of("restore", "--dest", dest, "--target", target.toString(), "--remap",
                "/srv/media=/mnt/media");

        assertThat(run.exit()).isEqualTo(2);
        assertThat(run.err()).contains("--remap needs --profile plex, emby or jellyfin (or a --config with a "
                + "profile)").contains("Try 'backupkit restore --help'");
        assertThat(target).doesNotExist();
    }

    @Test
    void shouldRefuseRemapWithAProfileThatDoesNotKnowItsMediaPaths() throws Exception {
        backup();

        CliRun run = CliRun.of("restore", "--profile", "sonarr", "--dest", dest, "--target",
                tmp.resolve("restored").toString(), "--remap", "/tv=/mnt/tv");

        assertThat(run.exit()).isEqualTo(2);
        assertThat(run.err()).contains("--remap cannot rewrite the media paths of profile 'sonarr': plex, emby and "
                + "jellyfin can");
    }

    @Test
    void shouldRefuseABadRemapPairNamingIt() throws Exception {
        jellyfinBackup();
        Path target = tmp.resolve("new-server");

        CliRun run = CliRun.of("restore", "--profile", "jellyfin", "--dest", dest, "--target", target.toString(),
                "--remap", "/srv/media", "--remap", "/a=/b", "--remap", "/a/=/c");

        assertThat(run.exit()).isEqualTo(2);
        assertThat(run.errLines().get(0)).isEqualTo("backupkit: error: --remap '/srv/media' must be OLD=NEW; "
                + "--remap '/a/=/c' maps the same OLD as '/a=/b' to another NEW");
        assertThat(target).doesNotExist();
    }

    @Test
    void shouldRefuseKeepIdentityWithoutAProfile() throws IOException {
        backup();

        CliRun run = CliRun.of("restore", "--dest", dest, "--target", tmp.resolve("t").toString(), "--keep-identity");

        assertThat(run.exit()).as(run.toString()).isEqualTo(2);
        assertThat(run.err()).contains("--keep-identity needs --profile NAME (or a --config file with a profile)");
        assertThat(tmp.resolve("t")).doesNotExist();
    }

    @Test
    void shouldRestoreAsAnAdditionalServerWithKeepIdentity() throws IOException {
        Path old = IdentityFixtures.plex(tmp.resolve("old-server"));
        String backups = tmp.resolve("plex-backups").toString();
        Fixtures.snapshotId(CliRun.of("backup", "--profile", "plex", "--source", old.toString(), "--dest", backups));
        Path second = tmp.resolve("second-server");
        IdentityFixtures.write(second, "Preferences.xml", IdentityFixtures.plexPreferences(
                IdentityFixtures.NEW_MACHINE, "0c1d2e3f405162738495a6b7c8d9eaf0b1c2d3e4", null, "Neu"));
        Path fresh = tmp.resolve("fresh-server");

        CliRun kept = CliRun.of("restore", "--dest", backups, "--target", second.toString(), "--profile", "plex",
                "--keep-identity");
        CliRun removed = CliRun.of("restore", "--dest", backups, "--target", fresh.toString(), "--profile", "plex",
                "--keep-identity");

        assertThat(kept.exit()).as(kept.toString()).isZero();
        assertThat(kept.outLines()).hasSize(4);
        assertThat(kept.outLines().get(0)).startsWith("Restored snapshot ");
        assertThat(kept.outLines().get(1)).isEqualTo("  kept the target's MachineIdentifier, ProcessedMachineIdentifier,"
                + " AnonymousMachineIdentifier, CertificateUUID, CertificateVersion in Preferences.xml");
        assertThat(kept.outLines().get(2)).startsWith("  removed PlexOnlineToken, PlexOnlineUsername, PlexOnlineMail,"
                + " PlexOnlineHome from the restored Preferences.xml: the target has none, so sign the server in");
        assertThat(kept.outLines().get(3))
                .isEqualTo("Plugins in the snapshot: Sub-Zero.bundle, WebTools.bundle; not installed in the target: none");
        String prefs = Files.readString(second.resolve("Preferences.xml"));
        assertThat(prefs).contains("MachineIdentifier=\"" + IdentityFixtures.NEW_MACHINE + "\"")
                .contains("FriendlyName=\"Keller\"").doesNotContain("PlexOnlineToken");

        assertThat(removed.exit()).as(removed.toString()).isZero();
        assertThat(removed.out()).contains("  removed MachineIdentifier, ProcessedMachineIdentifier");
        assertThat(Files.readString(fresh.resolve("Preferences.xml"))).doesNotContain("MachineIdentifier")
                .doesNotContain("PlexOnlineToken").contains("FriendlyName=\"Keller\"");
        assertThat(fresh.resolve("Plug-in Support/Preferences/com.plexapp.system.xml")).exists();
    }

    @Test
    void shouldFailKeepIdentityOnAMalformedTargetFileLeavingItAsItWas() throws IOException {
        Path old = IdentityFixtures.plex(tmp.resolve("old-server"));
        String backups = tmp.resolve("plex-backups").toString();
        Fixtures.snapshotId(CliRun.of("backup", "--source", old.toString(), "--dest", backups));
        Path target = tmp.resolve("second-server");
        IdentityFixtures.write(target, "Preferences.xml", "<Preferences MachineIdentifier=");

        CliRun run = CliRun.of("restore", "--dest", backups, "--target", target.toString(), "--profile", "plex",
                "--keep-identity");

        assertThat(run.exit()).as(run.toString()).isEqualTo(1);
        assertThat(run.err()).contains("Preferences.xml of the target (" + target.resolve("Preferences.xml")
                + ") is not well-formed XML");
        assertThat(run.out()).isEmpty();
        assertThat(target.resolve("Preferences.xml")).hasContent("<Preferences MachineIdentifier=");
        assertThat(target.resolve("Metadata")).doesNotExist();
    }

    @Test
    void shouldListThePluginsTheRestoredTargetLacks() throws IOException {
        Path old = IdentityFixtures.jellyfin(tmp.resolve("old-server"), "0f1e2d3c4b5a69788796a5b4c3d2e1f0");
        String backups = tmp.resolve("jellyfin-backups").toString();
        Fixtures.snapshotId(CliRun.of("backup", "--profile", "jellyfin", "--source", old.toString(), "--dest",
                backups, "--exclude", "plugins/**"));
        Path target = tmp.resolve("new-server");
        IdentityFixtures.write(target, "plugins/Trakt_26.0.0.0/meta.json", "{\"name\":\"Trakt\",\"version\":\"26.0.0.0\"}");

        CliRun run = CliRun.of("restore", "--dest", backups, "--target", target.toString(), "--profile", "jellyfin");
        CliRun json = CliRun.of("restore", "--dest", backups, "--target", target.toString(), "--profile", "jellyfin",
                "--json");
        CliRun withoutProfile = CliRun.of("restore", "--dest", backups, "--target", target.toString());
        CliRun dry = CliRun.of("restore", "--dest", backups, "--target", target.toString(), "--profile", "jellyfin",
                "--dry-run");

        assertThat(run.exit()).as(run.toString()).isZero();
        assertThat(run.outLines()).hasSize(2);
        assertThat(run.outLines().get(1)).isEqualTo("Plugins in the snapshot: Old Plugin_1.0, Playback Reporting "
                + "16.0.0.0, Trakt 26.0.0.0; not installed in the target: Old Plugin_1.0, Playback Reporting 16.0.0.0");
        JsonNode r = new ObjectMapper().readTree(json.out());
        assertThat(r.get("inventory").get("plugins")).hasSize(3);
        assertThat(r.get("missing").get("plugins")).extracting(JsonNode::asText)
                .containsExactly("Old Plugin_1.0", "Playback Reporting 16.0.0.0");
        assertThat(r.get("notes")).isEmpty();
        assertThat(withoutProfile.outLines().get(1)).as("no profile: nothing to compare with")
                .isEqualTo("Plugins in the snapshot: Old Plugin_1.0, Playback Reporting 16.0.0.0, Trakt 26.0.0.0");
        assertThat(dry.out()).contains("Plugins in the snapshot: Old Plugin_1.0").doesNotContain("not installed");
    }

    @Test
    void shouldTakeTheOwnerFromTheProfileWhenOwnerHasNoValue() throws IOException {
        Path source = IdentityFixtures.jellyfin(tmp.resolve("jellyfin"), "0f1e2d3c4b5a69788796a5b4c3d2e1f0");
        String backups = tmp.resolve("jellyfin-backups").toString();
        Fixtures.snapshotId(CliRun.of("backup", "--source", source.toString(), "--dest", backups));
        Path target = tmp.resolve("target");

        CliRun noProfile = CliRun.of("restore", "--dest", backups, "--owner", "--target", target.toString());
        assertThat(noProfile.exit()).as(noProfile.toString()).isEqualTo(2);
        assertThat(noProfile.err()).contains("--owner without a value takes the user the profile's service runs as");

        Path docker = Files.writeString(tmp.resolve("docker.json"),
                "{\"profile\": {\"id\": \"jellyfin\", \"platform\": \"docker\"}}");
        CliRun none = CliRun.of("restore", "--dest", backups, "--target", target.toString(), "--config",
                docker.toString(), "--owner");
        assertThat(none.exit()).as(none.toString()).isEqualTo(2);
        assertThat(none.err()).contains("--owner without a value: profile 'jellyfin' knows no owner on docker");

        CliRun explicit = CliRun.of("restore", "--dest", backups, "--target", target.toString(), "--profile",
                "jellyfin", "--owner", "no-such-user-4711");
        assertThat(explicit.exit()).isEqualTo(1);
        assertThat(explicit.err()).as("an explicit owner wins").contains("no user 'no-such-user-4711'");
        assertThat(target).doesNotExist();

        CliRun fallback = CliRun.of("restore", "--dest", backups, "--target", target.toString(), "--profile",
                "jellyfin", "--owner");
        boolean userExists = userExists("jellyfin");
        if (!userExists) {
            assertThat(fallback.exit()).as(fallback.toString()).isEqualTo(1);
            assertThat(fallback.err()).contains("no user 'jellyfin'");
            assertThat(target).doesNotExist();
            return;
        }
        assumeThat(System.getProperty("user.name")).as("setting owners needs root").isEqualTo("root");
        assertThat(fallback.exit()).as(fallback.toString()).isZero();
        assertThat(Files.getOwner(target.resolve("data/jellyfin.db")).getName()).isEqualTo("jellyfin");
    }

    @Test
    void shouldRecoverAnInterruptedRestoreAndSayWhichContentTheFolderHolds() throws IOException {
        Path server = tmp.resolve("server");
        Files.createDirectories(server.resolve("Metadata"));
        Files.writeString(server.resolve("Preferences.xml"), "old");
        CliRun nothing = CliRun.of("restore", "--recover", "--target", server.toString());
        assertThat(nothing.exit()).as(nothing.toString()).isZero();
        assertThat(nothing.out()).isEqualTo("No interrupted restore into " + server + ": nothing to do"
                + System.lineSeparator());

        // killed in its swap: Preferences.xml already moved away, the journal says so
        Path work = tmp.resolve(".server.backupkit-restore");
        Files.createDirectories(work.resolve("old"));
        Files.move(server.resolve("Preferences.xml"), work.resolve("old/Preferences.xml"));
        Files.writeString(work.resolve("journal.jsonl"), "{\"from\":\"" + server.resolve("Preferences.xml")
                + "\",\"to\":\"" + work.resolve("old/Preferences.xml") + "\"}\n");
        CliRun recovered = CliRun.of("restore", "--recover", "--source", server.toString(), "--json");

        assertThat(recovered.exit()).as(recovered.toString()).isZero();
        assertThat(new ObjectMapper().readTree(recovered.out()).get("outcome").asText()).isEqualTo("ROLLED_BACK");
        assertThat(server.resolve("Preferences.xml")).hasContent("old");
        assertThat(work).doesNotExist();
    }

    @Test
    void shouldRefuseRecoverWithoutAFolderOrWithASnapshot() {
        CliRun none = CliRun.of("restore", "--recover");
        assertThat(none.exit()).isEqualTo(2);
        assertThat(none.errLines().get(0)).isEqualTo("backupkit: error: --recover needs the folder that was being "
                + "restored into: give --target DIR (or --source DIR)");
        CliRun both = CliRun.of("restore", "--recover", "--target", tmp.toString(), "--snapshot", "20261201T000000Z");
        assertThat(both.exit()).isEqualTo(2);
        assertThat(both.errLines().get(0)).startsWith("backupkit: error: --recover only finishes an interrupted "
                + "restore");
    }

    private static boolean userExists(String name) throws IOException {
        try {
            java.nio.file.FileSystems.getDefault().getUserPrincipalLookupService().lookupPrincipalByName(name);
            return true;
        } catch (java.nio.file.attribute.UserPrincipalNotFoundException e) {
            return false;
        }
    }
}
