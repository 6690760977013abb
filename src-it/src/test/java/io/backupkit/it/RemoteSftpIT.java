package io.backupkit.it;

import io.backupkit.BackupException;
import io.backupkit.BackupPlan;
import io.backupkit.BackupResult;
import io.backupkit.RestoreRequest;
import io.backupkit.Snapshot;
import io.backupkit.remote.Destinations;
import io.backupkit.remote.age.AgeEncryption;
import io.backupkit.remote.sftp.SftpDestination;
import io.backupkit.spi.Destination;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.config.keys.PublicKeyEntry;
import org.apache.sshd.common.config.keys.writer.openssh.OpenSSHKeyPairResourceWriter;
import org.apache.sshd.common.file.virtualfs.VirtualFileSystemFactory;
import org.apache.sshd.server.SshServer;
import org.apache.sshd.server.keyprovider.SimpleGeneratorHostKeyProvider;
import org.apache.sshd.sftp.server.SftpSubsystemFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PublicKey;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Backups to an Apache MINA sshd SFTP server started by the test on a loopback port. */
@Timeout(180)
class RemoteSftpIT {

    @TempDir
    Path tmp;

    private SshServer sshd;
    private int port;
    private Path serverRoot;
    private Path knownHosts;
    private Path clientKey;
    private PublicKey clientPublic;

    @BeforeEach
    void startServer() throws Exception {
        serverRoot = Files.createDirectories(tmp.resolve("server"));
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
        g.initialize(256);
        KeyPair client = g.generateKeyPair();
        clientPublic = client.getPublic();
        clientKey = tmp.resolve("id_ecdsa");
        try (OutputStream out = Files.newOutputStream(clientKey)) {
            OpenSSHKeyPairResourceWriter.INSTANCE.writePrivateKey(client, "it", null, out);
        }
        Files.setPosixFilePermissions(clientKey, PosixFilePermissions.fromString("rw-------"));
        start(0);
        port = sshd.getPort();
        PublicKey hostKey = sshd.getKeyPairProvider().loadKeys(null).iterator().next().getPublic();
        knownHosts = Files.writeString(tmp.resolve("known_hosts"),
                "[127.0.0.1]:" + port + " " + PublicKeyEntry.toString(hostKey) + "\n");
    }

    private void start(int onPort) throws IOException {
        sshd = SshServer.setUpDefaultServer();
        sshd.setHost("127.0.0.1");
        sshd.setPort(onPort);
        sshd.setKeyPairProvider(new SimpleGeneratorHostKeyProvider(tmp.resolve("hostkey.ser")));
        sshd.setPublickeyAuthenticator((user, key, session) -> user.equals("backup")
                && KeyUtils.compareKeys(key, clientPublic));
        sshd.setPasswordAuthenticator((user, password, session) -> user.equals("backup")
                && password.equals("correct horse"));
        sshd.setSubsystemFactories(List.of(new SftpSubsystemFactory()));
        sshd.setFileSystemFactory(new VirtualFileSystemFactory(serverRoot));
        // the port of a server just stopped may take a moment to be free again
        for (int attempt = 1; ; attempt++) {
            try {
                sshd.start();
                return;
            } catch (java.net.BindException e) {
                if (attempt == 50) {
                    throw e;
                }
                try {
                    Thread.sleep(100);
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    throw e;
                }
            }
        }
    }

    @AfterEach
    void stopServer() throws IOException {
        if (sshd != null) {
            sshd.stop(true);
        }
    }

    SftpDestination sftp() {
        return Destinations.sftp("127.0.0.1", "/backups/plex").withPort(port).withUser("backup").withKey(clientKey)
                .withKnownHosts(knownHosts).withTimeout(Duration.ofSeconds(10));
    }

    BackupPlan plan(Path source, Destination d) {
        return BackupPlan.builder().source(source).destination(d).cache(tmp.resolve("cache")).workers(2).build();
    }

    @Test
    void shouldBackUpVerifyAndRestoreWithKeyAuthenticationAndOwnerOnlyFiles() throws Exception {
        Path source = tmp.resolve("source");
        ItSupport.writeMediaTree(source, 11);
        BackupPlan plan = plan(source, sftp());

        BackupResult backup = plan.backup();

        Path snapshot = serverRoot.resolve("backups/plex").resolve(backup.snapshotId());
        assertThat(snapshot.resolve("manifest.json")).isRegularFile();
        try (Stream<Path> all = Files.walk(serverRoot.resolve("backups"))) {
            for (Path p : all.toList()) {
                assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(p))).as(p.toString())
                        .isEqualTo(Files.isDirectory(p) ? "rwx------" : "rw-------");
            }
        }
        try (Stream<Path> all = Files.walk(serverRoot)) {
            assertThat(all.map(Path::toString)).noneMatch(n -> n.contains(".tmp-") || n.endsWith(".backupkit.lock"));
        }
        assertThat(plan.snapshots()).extracting(Snapshot::id).containsExactly(backup.snapshotId());
        assertThat(plan.verify(backup.snapshotId()).problems()).isEmpty();
        Path target = tmp.resolve("restored");
        plan.restore(RestoreRequest.latest().target(target));
        assertThat(ItSupport.describe(target)).isEqualTo(ItSupport.describe(source));
    }

    @Test
    void shouldAuthenticateWithAPasswordAndRoundTripEncrypted() throws Exception {
        SftpDestination d = Destinations.sftp("127.0.0.1", "/backups/pw").withPort(port).withUser("backup")
                .withPassword("correct horse").withKnownHosts(knownHosts);
        Path source = tmp.resolve("source");
        ItSupport.writeMediaTree(source, 12);
        Path key = Files.writeString(tmp.resolve("key.txt"), RemoteS3IT.IDENTITY);
        BackupPlan plan = plan(source, d).toBuilder()
                .encryption(AgeEncryption.to(RemoteS3IT.RECIPIENT).withIdentity(key)).build();

        String id = plan.backup().snapshotId();

        assertThat(plan.snapshots()).extracting(Snapshot::id).containsExactly(id);
        try (Stream<Path> all = Files.walk(serverRoot.resolve("backups/pw"))) {
            assertThat(all.map(p -> p.getFileName().toString()))
                    .noneMatch(n -> n.endsWith(".zip") || n.endsWith(".jsonl") || n.contains("Metadata"));
        }
        Path target = tmp.resolve("restored");
        plan.restore(RestoreRequest.latest().target(target));
        assertThat(ItSupport.describe(target)).isEqualTo(ItSupport.describe(source));
    }

    @Test
    void shouldRefuseAServerWhoseKeyDiffersFromTheKnownHostsFile() throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
        g.initialize(256);
        Path other = Files.writeString(tmp.resolve("other_known_hosts"), "[127.0.0.1]:" + port + " "
                + PublicKeyEntry.toString(g.generateKeyPair().getPublic()) + "\n");
        Path source = tmp.resolve("source");
        ItSupport.writeMediaTree(source, 13);

        assertThatThrownBy(() -> plan(source, sftp().withKnownHosts(other)).backup())
                .isInstanceOf(BackupException.class).hasMessageContaining("Cannot connect to sftp://backup@127.0.0.1");
        assertThat(serverRoot.resolve("backups")).doesNotExist();
        assertThat(Files.readString(other)).hasLineCount(1);
    }

    @Test
    void shouldResumeAfterTheServerStoppedMidUpload() throws Exception {
        Path source = tmp.resolve("source");
        ItSupport.writeMediaTree(source, 14);
        List<String> uploads = new ArrayList<>();
        Destination stopping = new RemoteS3IT.Forwarding(sftp()) {
            @Override
            public void upload(Path file, String name) throws IOException {
                if (uploads.size() == 3) {
                    sshd.stop(true);
                }
                uploads.add(name);
                super.upload(file, name);
            }
        };
        BackupPlan plan = plan(source, stopping);

        assertThatThrownBy(plan::backup).isInstanceOf(BackupException.class);

        start(port);
        assertThat(plan(source, sftp()).snapshots()).singleElement()
                .satisfies(s -> assertThat(s.complete()).isFalse());
        int before = uploads.size();
        BackupResult resumed = plan.resume();

        assertThat(uploads.subList(before, uploads.size())).doesNotContainAnyElementsOf(uploads.subList(0, 3))
                .last().isEqualTo(resumed.snapshotId() + "/manifest.json");
        Path target = tmp.resolve("restored");
        plan(source, sftp()).restore(RestoreRequest.latest().target(target));
        assertThat(ItSupport.describe(target)).isEqualTo(ItSupport.describe(source));
    }
}
