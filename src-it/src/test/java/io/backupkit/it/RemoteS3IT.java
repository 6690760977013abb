package io.backupkit.it;

import io.backupkit.BackupException;
import io.backupkit.BackupPlan;
import io.backupkit.BackupResult;
import io.backupkit.RestoreRequest;
import io.backupkit.RetentionPolicies;
import io.backupkit.Snapshot;
import io.backupkit.remote.Destinations;
import io.backupkit.remote.age.AgeEncryption;
import io.backupkit.remote.s3.S3Destination;
import io.backupkit.spi.Destination;
import io.backupkit.spi.RemoteFile;
import org.gaul.s3proxy.S3Proxy;
import org.gaul.s3proxy.auth.AuthenticationType;
import org.gaul.s3proxy.blobstore.BlobStore;
import org.gaul.s3proxy.nio2blob.TransientNio2BlobStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Backups to an S3-compatible server through the real AWS SDK client: S3Proxy in this JVM with a transient store on
 * a loopback port, stopped mid-run to interrupt an upload.
 */
@Timeout(180)
class RemoteS3IT {

    static final String ACCESS = "backupkit-it";
    static final String SECRET = "backupkit-it-secret";
    static final String BUCKET = "backups";
    /** A key pair made for these tests with age-keygen; it protects nothing. */
    static final String RECIPIENT = "age1fklu99vgq6zgmc4203x580kcwylrrzuddy88qrymk8w4w5qc53jqvmr24w";
    static final String IDENTITY = "AGE-SECRET-KEY-1NTQYN3RGMHAK67VVR5XLTYKQG9SM9327Q8QLKKAWAHQLKVM3L3EQZQ2GG0\n";

    @TempDir
    Path tmp;

    private BlobStore store;
    private S3Proxy proxy;
    private int port;

    @BeforeEach
    void startServer() throws Exception {
        store = new TransientNio2BlobStore();
        store.createContainer(BUCKET);
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        start();
    }

    private void start() throws Exception {
        proxy = S3Proxy.builder().blobStore(store).endpoint(URI.create("http://127.0.0.1:" + port))
                .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, ACCESS, SECRET).build();
        proxy.start();
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (!"STARTED".equals(proxy.getState()) && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertThat(proxy.getState()).isEqualTo("STARTED");
    }

    @AfterEach
    void stopServer() throws Exception {
        if (proxy != null) {
            proxy.stop();
        }
    }

    S3Destination s3(String prefix) {
        return Destinations.s3(BUCKET, prefix).withEndpoint("http://127.0.0.1:" + port).withPathStyle(true)
                .withRegion("us-east-1").withCredentials(ACCESS, SECRET).withAttempts(2)
                .withTimeout(Duration.ofSeconds(10)).withMultipartThreshold(S3Destination.MIN_PART_SIZE)
                .withPartSize(S3Destination.MIN_PART_SIZE);
    }

    Path source() throws IOException {
        Path source = tmp.resolve("source");
        ItSupport.writeMediaTree(source, 7);
        // larger than the multipart threshold: uploaded in three parts
        byte[] big = new byte[12 << 20];
        new Random(3).nextBytes(big);
        Files.write(source.resolve("big.jpg"), big);
        return source;
    }

    BackupPlan plan(Path source, Destination d) {
        return BackupPlan.builder().source(source).destination(d).cache(tmp.resolve("cache")).workers(2).build();
    }

    @Test
    void shouldBackUpListVerifyRestoreAndPruneThroughTheAwsSdk() throws Exception {
        Path source = source();
        BackupPlan plan = plan(source, s3("plex")).toBuilder().retention(RetentionPolicies.keepLast(1)).build();

        BackupResult first = plan.backup();
        Files.writeString(source.resolve("Preferences.xml"), "<Preferences changed=\"1\"/>");
        BackupResult second = plan.backup();

        assertThat(second.pruned()).containsExactly(first.snapshotId());
        assertThat(plan.snapshots()).extracting(Snapshot::id, Snapshot::complete)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(second.snapshotId(), true));
        assertThat(keys("plex/")).allMatch(k -> k.startsWith("plex/" + second.snapshotId() + "/"))
                .contains("plex/" + second.snapshotId() + "/manifest.json");
        assertThat(plan.verify(second.snapshotId()).problems()).isEmpty();
        Path target = tmp.resolve("restored");
        plan.restore(RestoreRequest.latest().target(target));
        assertThat(ItSupport.describe(target)).isEqualTo(ItSupport.describe(source));
    }

    @Test
    void shouldLeaveNothingListedWhenTheServerStopsMidUploadAndResumeUploadsOnlyWhatIsMissing() throws Exception {
        Path source = source();
        List<String> uploads = new ArrayList<>();
        Destination stopping = new Forwarding(s3("plex")) {
            @Override
            public void upload(Path file, String name) throws IOException {
                if (uploads.size() == 4) {
                    try {
                        proxy.stop();
                    } catch (Exception e) {
                        throw new IOException(e);
                    }
                }
                uploads.add(name);
                super.upload(file, name);
            }
        };
        BackupPlan plan = plan(source, stopping);

        assertThatThrownBy(plan::backup).isInstanceOf(BackupException.class)
                .hasMessageContaining("resume() uploads what is missing");

        start();
        BackupPlan fresh = plan(source, s3("plex"));
        assertThat(fresh.snapshots()).singleElement().satisfies(s -> assertThat(s.complete()).isFalse());
        int before = uploads.size();
        BackupResult resumed = plan.resume();

        List<String> again = uploads.subList(before, uploads.size());
        assertThat(again).doesNotContainAnyElementsOf(uploads.subList(0, 4))
                .last().isEqualTo(resumed.snapshotId() + "/manifest.json");
        assertThat(fresh.snapshots()).singleElement().satisfies(s -> assertThat(s.complete()).isTrue());
        Path target = tmp.resolve("restored");
        fresh.restore(RestoreRequest.latest().target(target));
        assertThat(ItSupport.describe(target)).isEqualTo(ItSupport.describe(source));
    }

    @Test
    void shouldEncryptEveryFileSoThatAgeDecryptsItAndNoNameShows() throws Exception {
        Path source = source();
        Path key = Files.writeString(tmp.resolve("key.txt"), IDENTITY);
        BackupPlan plan = plan(source, s3("secret")).toBuilder().encryption(AgeEncryption.to(RECIPIENT)).build();

        BackupResult backup = plan.backup();

        List<String> keys = keys("secret/");
        assertThat(keys).noneMatch(k -> k.contains("Metadata") || k.contains("index") || k.contains(".zip"));
        String clear = read("secret/" + backup.snapshotId() + "/manifest.json");
        assertThat(clear).contains("\"encryption\"", backup.snapshotId()).doesNotContain("Metadata", "Preferences");
        assertThat(plan.snapshots()).singleElement().satisfies(s -> {
            assertThat(s.complete()).isTrue();
            assertThat(s.files()).isEqualTo(backup.files());
        });
        assertThatThrownBy(() -> plan.restore(RestoreRequest.latest().target(tmp.resolve("no"))))
                .hasMessageContaining("--identity FILE");

        BackupPlan withKey = plan.toBuilder().encryption(AgeEncryption.identity(key)).build();
        assertThat(withKey.verify(backup.snapshotId()).problems()).isEmpty();
        Path target = tmp.resolve("restored");
        withKey.restore(RestoreRequest.latest().target(target));
        assertThat(ItSupport.describe(target)).isEqualTo(ItSupport.describe(source));

        Path age = Path.of("/usr/bin/age");
        Assumptions.assumeTrue(Files.isExecutable(age), "the age command is not installed (Debian package age)");
        String last = keys.stream().filter(k -> k.contains("/data/")).max(String::compareTo).orElseThrow();
        Path enc = tmp.resolve("last.age");
        try (InputStream in = s3("secret").open(last.substring("secret/".length()))) {
            Files.copy(in, enc);
        }
        ItSupport.Run run = ItSupport.run(List.of(age.toString(), "-d", "-i", key.toString(), enc.toString()),
                Duration.ofSeconds(30));
        assertThat(run.exit()).as(run.describe()).isZero();
        assertThat(ItSupport.JSON.readTree(run.stdout()).path("units").size()).isPositive();
    }

    @Test
    void shouldRefuseABackupWhileTheLockIsHeldElsewhere() throws Exception {
        S3Destination d = s3("plex");
        assertThat(d.createNew(".backupkit.lock", "pid 1 on host elsewhere, backup since then".getBytes())).isTrue();
        assertThat(d.createNew(".backupkit.lock", "second".getBytes())).isFalse();

        assertThatThrownBy(() -> plan(source(), d).backup()).hasMessageContaining("pid 1 on host elsewhere");
    }

    @Test
    void shouldBackUpEncryptedListAndRestoreThroughTheCli() throws Exception {
        Path source = tmp.resolve("source");
        ItSupport.writeMediaTree(source, 21);
        Path key = Files.writeString(tmp.resolve("key.txt"), IDENTITY);
        List<String> s3 = List.of("--dest", "s3://" + BUCKET + "/cli", "--s3-endpoint", "http://127.0.0.1:" + port,
                "--s3-path-style", "--s3-region", "us-east-1", "--cache", tmp.resolve("cli-cache").toString());

        ItSupport.Run backup = cli(concat(List.of("backup", "--source", source.toString(), "--encrypt-to", RECIPIENT,
                "--quiet"), s3));
        assertThat(backup.exit()).as(backup.describe()).isZero();
        assertThat(backup.stdout()).startsWith("Snapshot ");

        ItSupport.Run list = cli(concat(List.of("list", "--json"), s3));
        assertThat(list.exit()).as(list.describe()).isZero();
        assertThat(list.stdoutJson()).hasSize(1);
        assertThat(list.stdoutJson().get(0).path("complete").asBoolean()).isTrue();

        Path target = tmp.resolve("restored");
        ItSupport.Run restore = cli(concat(List.of("restore", "--target", target.toString(), "--identity",
                key.toString(), "--quiet"), s3));
        assertThat(restore.exit()).as(restore.describe()).isZero();
        assertThat(ItSupport.describe(target)).isEqualTo(ItSupport.describe(source));
    }

    /** The CLI with credentials for the AWS SDK's default chain (system properties, like the environment). */
    private static ItSupport.Run cli(List<String> args) {
        List<String> cmd = new ArrayList<>(List.of(ItSupport.jdkTool("java").toString(), "-Daws.accessKeyId=" + ACCESS,
                "-Daws.secretAccessKey=" + SECRET, "-jar", ItSupport.jar().toString()));
        cmd.addAll(args);
        return ItSupport.run(cmd, ItSupport.CLI_TIMEOUT);
    }

    private static List<String> concat(List<String> a, List<String> b) {
        List<String> out = new ArrayList<>(a);
        out.addAll(b);
        return out;
    }

    private List<String> keys(String prefix) throws IOException {
        try (S3Destination d = s3("")) {
            return d.list(prefix).stream().map(RemoteFile::name).sorted().toList();
        }
    }

    private String read(String key) throws IOException {
        try (S3Destination d = s3(""); InputStream in = d.open(key)) {
            return new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        }
    }

    /** Passes every call to another destination. */
    static class Forwarding implements Destination {
        private final Destination d;

        Forwarding(Destination d) {
            this.d = d;
        }

        public String id() {
            return d.id();
        }

        public List<RemoteFile> list(String prefix) throws IOException {
            return d.list(prefix);
        }

        public InputStream open(String name) throws IOException {
            return d.open(name);
        }

        public void upload(Path source, String name) throws IOException {
            d.upload(source, name);
        }

        public boolean createNew(String name, byte[] content) throws IOException {
            return d.createNew(name, content);
        }

        public void delete(String name) throws IOException {
            d.delete(name);
        }

        public boolean copy(String from, String to) throws IOException {
            return d.copy(from, to);
        }

        public void close() throws IOException {
            d.close();
        }
    }
}
