package io.backupkit.examples.profiles;

import io.backupkit.BackupException;
import io.backupkit.BackupPlan;
import io.backupkit.RestoreRequest;
import io.backupkit.RestoreResult;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

import static io.backupkit.examples.profiles.IdentityFixtures.NEW_MACHINE;
import static io.backupkit.examples.profiles.IdentityFixtures.OLD_MACHINE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Restoring "as an additional server" ({@link AppProfile#keepIdentity()}) through real backups and restores: the
 * target keeps its own identity, a fresh folder gets none, and everything else comes from the snapshot.
 */
class AppProfileIdentityTest {

    private static final String NEW_PROCESSED = "0c1d2e3f405162738495a6b7c8d9eaf0b1c2d3e4";

    @TempDir
    Path tmp;

    private BackupPlan plan(Path source) {
        return BackupPlan.builder().source(source).destination(tmp.resolve("dest")).exclude("Logs/**", "log/**")
                .build();
    }

    @Test
    void shouldKeepTheTargetsOwnPlexIdentityAndTakeEverythingElseFromTheSnapshot() throws IOException {
        Path source = IdentityFixtures.plex(tmp.resolve("old-server"));
        BackupPlan plan = plan(source);
        String id = plan.backup().snapshotId();
        Path target = tmp.resolve("new-server");
        String own = IdentityFixtures.plexPreferences(NEW_MACHINE, NEW_PROCESSED, "newServerToken456", "Neu");
        IdentityFixtures.write(target, "Preferences.xml", own);

        RestoreResult r = plan.restore(RestoreRequest.of(id).target(target).step(AppProfiles.plex().keepIdentity()));

        // the old server's settings, with the new server's identity and sign-in in place, attribute for attribute
        String expected = IdentityFixtures.oldPlexPreferences()
                .replace(OLD_MACHINE, NEW_MACHINE)
                .replace("9d5ed678fe57bcca610140957afab571b3f2a8c1", NEW_PROCESSED)
                .replace("oldServerToken123", "newServerToken456");
        assertThat(target.resolve("Preferences.xml")).hasContent(expected);
        assertThat(Files.readString(target.resolve("Preferences.xml"))).contains("FriendlyName=\"Keller\"");
        assertThat(target.resolve("Plug-in Support/Preferences/com.plexapp.system.xml")).exists();
        assertThat(r.notes()).containsExactly("kept the target's MachineIdentifier, ProcessedMachineIdentifier, "
                + "AnonymousMachineIdentifier, CertificateUUID, CertificateVersion, PlexOnlineToken, "
                + "PlexOnlineUsername, PlexOnlineMail, PlexOnlineHome in Preferences.xml");
    }

    @Test
    void shouldLeaveThePlexIdentityAndSignInOutOfAFreshFolder() throws IOException {
        Path source = IdentityFixtures.plex(tmp.resolve("old-server"));
        BackupPlan plan = plan(source);
        String id = plan.backup().snapshotId();
        Path target = tmp.resolve("fresh");

        RestoreResult r = plan.restore(RestoreRequest.of(id).target(target).step(AppProfiles.plex().keepIdentity()));

        String restored = Files.readString(target.resolve("Preferences.xml"));
        assertThat(restored).isEqualTo("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n"
                + "<Preferences OldestPreviousVersion=\"1.40.2.8395-c67dce28e\" MetricsEpoch=\"1\" AcceptedEULA=\"1\""
                + " FriendlyName=\"Keller\" PublishServerOnPlexOnlineKey=\"1\" PubSubServer=\"192.0.2.10\""
                + " LanguageInCloud=\"1\" TranscoderTempDirectory=\"/transcode\" ScannerLowPriority=\"1\"/>\n");
        assertThat(r.notes()).singleElement().asString()
                .startsWith("removed MachineIdentifier, ProcessedMachineIdentifier, AnonymousMachineIdentifier, "
                        + "CertificateUUID, CertificateVersion, PlexOnlineToken, PlexOnlineUsername, PlexOnlineMail, "
                        + "PlexOnlineHome from the restored Preferences.xml: the target has no Preferences.xml, so ")
                .contains("makes a new identity at its first start").contains("sign the server in again");
    }

    @Test
    void shouldBringTheOldIdentityBackWithoutTheStep() throws IOException {
        Path source = IdentityFixtures.jellyfin(tmp.resolve("old-server"), "0f1e2d3c4b5a69788796a5b4c3d2e1f0");
        BackupPlan plan = plan(source);
        String id = plan.backup().snapshotId();
        Path target = tmp.resolve("replacement");
        IdentityFixtures.jellyfin(target, "11111111222233334444555566667777");

        RestoreResult r = plan.restore(RestoreRequest.of(id).target(target));

        assertThat(target.resolve("data/device.txt")).hasContent("0f1e2d3c4b5a69788796a5b4c3d2e1f0");
        assertThat(r.notes()).isEmpty();
    }

    @Test
    void shouldKeepOrRemoveJellyfinsDeviceId() throws IOException {
        Path source = IdentityFixtures.jellyfin(tmp.resolve("old-server"), "0f1e2d3c4b5a69788796a5b4c3d2e1f0");
        BackupPlan plan = plan(source);
        String id = plan.backup().snapshotId();
        Path second = IdentityFixtures.jellyfin(tmp.resolve("second"), "11111111222233334444555566667777");
        Path fresh = tmp.resolve("fresh");

        RestoreResult kept = plan.restore(RestoreRequest.of(id).target(second)
                .step(AppProfiles.jellyfin().keepIdentity()));
        RestoreResult removed = plan.restore(RestoreRequest.of(id).target(fresh)
                .step(AppProfiles.jellyfin().keepIdentity()));

        assertThat(second.resolve("data/device.txt")).hasContent("11111111222233334444555566667777");
        assertThat(second.resolve("data/jellyfin.db")).hasContent("SQLite format 3\0jellyfin");
        assertThat(kept.notes()).containsExactly("kept the target's data/device.txt (the server id)");
        assertThat(fresh.resolve("data/device.txt")).doesNotExist();
        assertThat(fresh.resolve("data/jellyfin.db")).exists();
        assertThat(removed.notes()).containsExactly("removed data/device.txt (the server id) from the restored files:"
                + " the target has none, so Jellyfin makes a new one at its first start");
    }

    @Test
    void shouldKeepOrRemoveTheSonarrApiKeyElement() throws IOException {
        Path source = IdentityFixtures.sonarr(tmp.resolve("old"), "0123456789abcdef0123456789abcdef");
        BackupPlan plan = plan(source);
        String id = plan.backup().snapshotId();
        Path second = IdentityFixtures.sonarr(tmp.resolve("second"), "fedcba9876543210fedcba9876543210");
        Files.writeString(second.resolve("config.xml"), Files.readString(second.resolve("config.xml"))
                .replace("8989", "8990"));
        Path fresh = tmp.resolve("fresh");

        plan.restore(RestoreRequest.of(id).target(second).step(AppProfiles.sonarr().keepIdentity()));
        RestoreResult r = plan.restore(RestoreRequest.of(id).target(fresh).step(AppProfiles.sonarr().keepIdentity()));

        assertThat(second.resolve("config.xml")).hasContent("<Config>\n  <BindAddress>*</BindAddress>\n"
                + "  <Port>8989</Port>\n  <ApiKey>fedcba9876543210fedcba9876543210</ApiKey>\n"
                + "  <InstanceName>Sonarr</InstanceName>\n</Config>\n");
        assertThat(fresh.resolve("config.xml")).hasContent("<Config>\n  <BindAddress>*</BindAddress>\n"
                + "  <Port>8989</Port>\n  <InstanceName>Sonarr</InstanceName>\n</Config>\n");
        assertThat(r.notes()).singleElement().asString().startsWith("removed ApiKey from the restored config.xml");
    }

    @Test
    void shouldFailNamingAMalformedTargetFileAndLeaveTheTargetUntouched() throws IOException {
        Path source = IdentityFixtures.plex(tmp.resolve("old-server"));
        BackupPlan plan = plan(source);
        String id = plan.backup().snapshotId();
        Path target = tmp.resolve("new-server");
        IdentityFixtures.write(target, "Preferences.xml", "<Preferences MachineIdentifier=\"" + NEW_MACHINE + "\"");
        IdentityFixtures.write(target, "Metadata/own.xml", "the new server's own");
        Map<String, String> before = tree(target);

        assertThatThrownBy(() -> plan.restore(RestoreRequest.of(id).target(target)
                .step(AppProfiles.plex().keepIdentity())))
                .isInstanceOf(BackupException.class)
                .hasMessageContaining("The restore step \"keep the target's own Plex Media Server identity")
                .hasMessageContaining("Preferences.xml of the target (" + target.resolve("Preferences.xml") + ")")
                .hasMessageContaining("is not well-formed XML: line 1");

        assertThat(tree(target)).isEqualTo(before);
        try (Stream<Path> s = Files.list(tmp)) {
            assertThat(s.map(p -> p.getFileName().toString())).noneMatch(n -> n.contains("backupkit-restore"));
        }
    }

    @Test
    void shouldTouchOnlyWhatAPartialRestoreRestores() throws IOException {
        Path source = IdentityFixtures.jellyfin(tmp.resolve("old-server"), "0f1e2d3c4b5a69788796a5b4c3d2e1f0");
        BackupPlan plan = plan(source);
        String id = plan.backup().snapshotId();
        Path second = IdentityFixtures.jellyfin(tmp.resolve("second"), "11111111222233334444555566667777");
        Files.writeString(second.resolve("config/system.xml"), "<ServerConfiguration/>");
        Path fresh = tmp.resolve("fresh");
        IdentityFixtures.write(fresh, "config/system.xml", "<ServerConfiguration/>");

        RestoreResult config = plan.restore(RestoreRequest.of(id).target(second).only("config")
                .step(AppProfiles.jellyfin().keepIdentity()));
        RestoreResult data = plan.restore(RestoreRequest.of(id).target(fresh).only("data")
                .step(AppProfiles.jellyfin().keepIdentity()));

        assertThat(config.notes()).containsExactly("data/device.txt is not part of this partial restore: the target "
                + "keeps its own");
        assertThat(second.resolve("config/system.xml")).content().contains("<ServerName>Keller</ServerName>");
        assertThat(second.resolve("data/device.txt")).hasContent("11111111222233334444555566667777");
        assertThat(fresh.resolve("data/jellyfin.db")).exists();
        assertThat(fresh.resolve("data/device.txt")).as("the fresh folder had none").doesNotExist();
        assertThat(fresh.resolve("config/system.xml")).hasContent("<ServerConfiguration/>");
        assertThat(data.notes()).singleElement().asString().startsWith("removed data/device.txt");
    }

    @Test
    void shouldKeepTheTargetsWholeFileWhenTheSnapshotHasNone() throws IOException {
        Path source = IdentityFixtures.sonarr(tmp.resolve("old"), "0123456789abcdef0123456789abcdef");
        Files.delete(source.resolve("config.xml"));
        BackupPlan plan = plan(source);
        String id = plan.backup().snapshotId();
        Path second = IdentityFixtures.sonarr(tmp.resolve("second"), "fedcba9876543210fedcba9876543210");
        String own = Files.readString(second.resolve("config.xml"));

        RestoreResult r = plan.restore(RestoreRequest.of(id).target(second)
                .step(AppProfiles.radarr().keepIdentity()));

        assertThat(second.resolve("config.xml")).hasContent(own);
        assertThat(r.notes()).containsExactly("the snapshot holds no config.xml: kept the target's whole config.xml "
                + "(it holds the identity)");
    }

    @Test
    void shouldDescribeTheIdentityAsData() {
        assertThat(AppProfiles.plex().identityItems()).extracting(IdentityItem::name).containsExactly(
                "MachineIdentifier", "ProcessedMachineIdentifier", "AnonymousMachineIdentifier", "CertificateUUID",
                "CertificateVersion", "PlexOnlineToken", "PlexOnlineUsername", "PlexOnlineMail", "PlexOnlineHome");
        assertThat(AppProfiles.plex().identityItems()).allSatisfy(i -> {
            assertThat(i.kind()).isEqualTo(IdentityItem.Kind.XML_ATTRIBUTE);
            assertThat(i.file()).isEqualTo("Preferences.xml");
        });
        for (AppProfile p : List.of(AppProfiles.emby(), AppProfiles.jellyfin())) {
            assertThat(p.identityItems()).singleElement().satisfies(i -> {
                assertThat(i.kind()).isEqualTo(IdentityItem.Kind.FILE);
                assertThat(i.file()).isEqualTo("data/device.txt");
            });
        }
        for (AppProfile p : List.of(AppProfiles.sonarr(), AppProfiles.radarr())) {
            assertThat(p.identityItems()).singleElement().isEqualTo(p.identityItems().get(0))
                    .extracting(IdentityItem::kind, IdentityItem::file, IdentityItem::name)
                    .containsExactly(IdentityItem.Kind.XML_ELEMENT, "config.xml", "ApiKey");
        }
        assertThat(AppProfiles.sonarr().keepIdentity().description())
                .isEqualTo("keep the target's own Sonarr identity (config.xml ApiKey)");
        assertThat(AppProfiles.jellyfin().withServices(true).identityItems())
                .isEqualTo(AppProfiles.jellyfin().identityItems());
        assertThatThrownBy(() -> IdentityItem.file("../x", "a", "b")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> IdentityItem.xmlAttribute("a.xml", null, "a", "b"))
                .isInstanceOf(IllegalArgumentException.class);
    }

    private static Map<String, String> tree(Path root) throws IOException {
        Map<String, String> out = new TreeMap<>();
        try (Stream<Path> s = Files.walk(root)) {
            for (Path p : (Iterable<Path>) s::iterator) {
                out.put(root.relativize(p).toString(), Files.isDirectory(p) ? "/" : Files.readString(p)
                        + " @" + Files.getLastModifiedTime(p));
            }
        }
        return out;
    }
}
