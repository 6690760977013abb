package io.backupkit;

import io.backupkit.spi.ArchiveWriteRequest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.util.HexFormat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * An archiver that writes its archive through {@link ArchiveWriteRequest#create()} has it hashed on the way: the
 * manifest's hash is the streamed bytes', and the archive is read back only when the file is not what went
 * through the stream.
 */
class StreamedArchiveTest {

    @TempDir
    Path tmp;

    /** What the streamed archiver does after its stream is closed. */
    private enum After { NOTHING, FLIP_A_BYTE, APPEND, CREATE_AGAIN }

    /** Zip written to a side file by the zip archiver, then copied into the archive through create(). */
    private static final class Streamed extends ZipDelegate {
        private final After after;

        Streamed(After after) {
            this.after = after;
        }

        @Override
        public void write(ArchiveWriteRequest request) throws IOException {
            Path side = request.archive().resolveSibling(request.archive().getFileName() + ".side");
            zip.write(new ArchiveWriteRequest(request.unit(), request.sourceRoot(), side, request.entries(),
                    request.options(), (e, exact) -> exact ? request.openExact(e) : request.open(e)));
            try (OutputStream out = request.create()) {
                Files.copy(side, out);
            } finally {
                Files.delete(side);
            }
            switch (after) {
                case FLIP_A_BYTE -> {
                    try (FileChannel ch = FileChannel.open(request.archive(), StandardOpenOption.READ,
                            StandardOpenOption.WRITE)) {
                        ByteBuffer b = ByteBuffer.allocate(1);
                        ch.read(b, 10);
                        b.flip();
                        b.put(0, (byte) (b.get(0) ^ 0x40));
                        ch.write(b, 10);
                    }
                }
                case APPEND -> Files.write(request.archive(), new byte[] {0}, StandardOpenOption.APPEND);
                case CREATE_AGAIN -> request.create().close();
                default -> {
                }
            }
        }
    }

    private BackupPlan plan(After after) throws IOException {
        return BackupPlan.builder().source(TestTrees.plexLike(tmp.resolve("source"))).destination(tmp.resolve("dest"))
                .archiver(new Streamed(after)).retries(0).build();
    }

    @Test
    void shouldRecordTheHashOfWhatWentThroughTheStream() throws Exception {
        BackupPlan p = plan(After.NOTHING);
        BackupResult r = p.backup();

        Snapshot s = p.snapshots().get(0);
        assertThat(p.verify(r.snapshotId()).ok()).isTrue();
        assertThat(s.id()).isEqualTo(r.snapshotId());
        p.restore(RestoreRequest.latest().target(tmp.resolve("restored")));
        assertThat(TestTrees.describe(tmp.resolve("restored"))).isEqualTo(TestTrees.describe(tmp.resolve("source")));
    }

    @Test
    void shouldTakeTheHashFromTheStreamWithoutReadingTheArchiveBack() throws Exception {
        // an archiver breaking the contract (changing the file after its stream closed, size unchanged) shows it:
        // the manifest holds the streamed bytes' hash, so verify finds every archive changed
        BackupPlan p = plan(After.FLIP_A_BYTE);
        BackupResult r = p.backup();

        VerifyResult v = p.verify(r.snapshotId());
        assertThat(v.ok()).isFalse();
        assertThat(v.problems()).isNotEmpty().allSatisfy(problem -> assertThat(problem.toString()).contains(".zip"));
    }

    @Test
    void shouldReadTheArchiveBackWhenItIsNotWhatWentThroughTheStream() throws Exception {
        BackupPlan p = plan(After.APPEND);
        BackupResult r = p.backup();

        Path dir = tmp.resolve("dest").resolve(r.snapshotId());
        String manifest = Files.readString(dir.resolve("manifest.json"));
        try (var units = Files.list(dir.resolve("units"))) {
            for (Path archive : units.toList()) {
                assertThat(manifest).as(archive.toString()).contains(sha256(archive));
            }
        }
    }

    @Test
    void shouldFailAUnitWhoseArchiveIsCreatedTwice() throws Exception {
        BackupPlan p = plan(After.CREATE_AGAIN);

        assertThatThrownBy(p::backup).isInstanceOf(BackupException.class).hasMessageContaining("created twice");
        assertThat(p.snapshots()).noneMatch(Snapshot::complete);
    }

    private static String sha256(Path file) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
    }
}
