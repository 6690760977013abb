package io.backupkit;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.TreeMap;

import static io.backupkit.SnapshotForger.Entry;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/** Damaged and hostile snapshots: verify names the problem, restore refuses before touching the target. */
class IntegrityTest {

    @TempDir
    Path tmp;

    private Path dest;
    private Path target;
    private TreeMap<String, String> targetBefore;
    private BackupPlan plan;

    @BeforeEach
    void setUp() throws Exception {
        dest = tmp.resolve("dest");
        target = tmp.resolve("target");
        TestTrees.write(target.resolve("live/data.db"), "live data");
        targetBefore = TestTrees.describe(target);
        plan = BackupPlan.builder().source(TestTrees.plexLike(tmp.resolve("source"))).destination(dest).build();
    }

    private void assertRefusedAndTargetUntouched(String id, String... expected) throws Exception {
        CorruptSnapshotException e = catchThrowableOfType(CorruptSnapshotException.class,
                () -> plan.restore(RestoreRequest.of(id).target(target)));
        assertThat(e).as("restore must refuse").isNotNull();
        for (String s : expected) {
            assertThat(e.getMessage()).contains(s);
        }
        assertThat(TestTrees.describe(target)).isEqualTo(targetBefore);
        assertThat(Files.list(tmp).map(p -> p.getFileName().toString()).toList())
                .containsExactlyInAnyOrder("dest", "target", "source");
        assertThat(tmp.resolve("evil")).doesNotExist();
    }

    @Test
    void shouldNameTheDamagedFileWhenAnArchiveByteFlips() throws Exception {
        BackupResult r = plan.backup();
        Path zip = dest.resolve(r.snapshotId()).resolve("units/Plug-in Support.zip");
        SnapshotForger.flipByte(zip, Files.size(zip) / 2); // inside the database's deflated data

        VerifyResult v = plan.verify(r.snapshotId());

        assertThat(v.ok()).isFalse();
        assertThat(v.problems()).anySatisfy(p -> {
            assertThat(p.kind()).isEqualTo(VerifyProblem.Kind.ARCHIVE_HASH);
            assertThat(p.unit()).isEqualTo("Plug-in Support");
        });
        assertThat(v.problems()).anySatisfy(p -> {
            assertThat(p.kind()).isIn(VerifyProblem.Kind.FILE_HASH, VerifyProblem.Kind.ARCHIVE_UNREADABLE);
            assertThat(p.unit()).isEqualTo("Plug-in Support");
        });
        assertRefusedAndTargetUntouched(r.snapshotId(), "Plug-in Support");
    }

    @Test
    void shouldNameAMissingArchiveAndAChangedIndex() throws Exception {
        BackupResult r = plan.backup();
        Path snap = dest.resolve(r.snapshotId());
        Files.delete(snap.resolve("units/Metadata.zip"));
        Files.writeString(snap.resolve("index/_root.jsonl"), "\n", java.nio.file.StandardOpenOption.APPEND);

        VerifyResult v = plan.verify(r.snapshotId());

        assertThat(v.problems()).extracting(VerifyProblem::kind, VerifyProblem::unit).contains(
                org.assertj.core.groups.Tuple.tuple(VerifyProblem.Kind.ARCHIVE_MISSING, "Metadata"),
                org.assertj.core.groups.Tuple.tuple(VerifyProblem.Kind.INDEX, ""));
        assertRefusedAndTargetUntouched(r.snapshotId(), "Metadata");
    }

    @Test
    void shouldNotTouchTheTargetWhenAFileInsideTheArchiveIsDamaged() throws Exception {
        String id = "20260101T000000Z";
        SnapshotForger.forge(dest, id, List.of(Entry.file("a.txt", "hello"), Entry.file("b.txt", "world")));
        assertThat(plan.verify(id).ok()).isTrue();
        // rewrite the index so that b.txt's recorded hash is wrong, and fix the manifest hash of the index
        Path index = dest.resolve(id).resolve("index/_root.jsonl");
        String text = Files.readString(index).replace(SnapshotForger.sha("world".getBytes()),
                SnapshotForger.sha("other".getBytes()));
        Files.writeString(index, text);
        Path manifest = dest.resolve(id).resolve("manifest.json");
        String m = Files.readString(manifest).replaceAll("\"indexSha256\":\"[0-9a-f]+\"",
                "\"indexSha256\":\"" + SnapshotForger.sha(Files.readAllBytes(index)) + "\"");
        Files.writeString(manifest, m);

        VerifyResult v = plan.verify(id);
        assertThat(v.problems()).singleElement().satisfies(p -> {
            assertThat(p.kind()).isEqualTo(VerifyProblem.Kind.FILE_HASH);
            assertThat(p.path()).isEqualTo("b.txt");
            assertThat(p.expected()).isEqualTo(SnapshotForger.sha("other".getBytes()));
            assertThat(p.actual()).isEqualTo(SnapshotForger.sha("world".getBytes()));
        });
        assertRefusedAndTargetUntouched(id, "b.txt");
    }

    @Test
    void shouldRefuseEntriesThatClimbOutOfTheTarget() throws Exception {
        String id = "20260101T000000Z";
        SnapshotForger.forge(dest, id, List.of(Entry.file("ok.txt", "fine"), Entry.file("../evil", "pwned")));
        assertRefusedAndTargetUntouched(id, "../evil", "unsafe name");
    }

    @Test
    void shouldRefuseAbsolutePaths() throws Exception {
        String id = "20260101T000000Z";
        SnapshotForger.forge(dest, id, List.of(Entry.file(tmp.resolve("evil").toString(), "pwned")));
        assertRefusedAndTargetUntouched(id, "absolute path");
    }

    @Test
    void shouldRefuseLinksPointingOutside() throws Exception {
        String id = "20260101T000000Z";
        SnapshotForger.forge(dest, id, List.of(Entry.link("up", "../../evil")));
        assertRefusedAndTargetUntouched(id, "points outside the restore target");
    }

    @Test
    void shouldRefuseAbsoluteLinks() throws Exception {
        String id = "20260101T000000Z";
        SnapshotForger.forge(dest, id, List.of(Entry.link("etc", "/etc")));
        assertRefusedAndTargetUntouched(id, "is absolute");
    }

    @Test
    void shouldRefuseATwoStepLinkEscape() throws Exception {
        String id = "20260101T000000Z";
        // "d/b" -> ".." looks harmless, "d/a" -> "b/../../evil" looks harmless lexically, together they escape
        SnapshotForger.forge(dest, id, List.of(
                new Entry("d/", "DIRECTORY", "", 040755, true, true),
                Entry.link("d/b", ".."), Entry.link("d/a", "b/../../evil")));
        fixDirectoryIndexLines(id);
        assertRefusedAndTargetUntouched(id, "d/a");
    }

    private void fixDirectoryIndexLines(String id) throws Exception {
        Path index = dest.resolve(id).resolve("index/_root.jsonl");
        String text = Files.readString(index).replace("\"path\":\"d/\"", "\"path\":\"d\"")
                .replaceAll("(\"path\":\"d\",\"type\":\"DIRECTORY\",\"size\":0,\"mtime\":\"[^\"]+\",\"mode\":420),"
                        + "\"sha256\":\"[0-9a-f]+\"", "$1");
        Files.writeString(index, text);
        Path manifest = dest.resolve(id).resolve("manifest.json");
        Files.writeString(manifest, Files.readString(manifest).replaceAll("\"indexSha256\":\"[0-9a-f]+\"",
                "\"indexSha256\":\"" + SnapshotForger.sha(Files.readAllBytes(index)) + "\""));
    }

    @Test
    void shouldRefuseDuplicateNames() throws Exception {
        String id = "20260101T000000Z";
        SnapshotForger.forge(dest, id, List.of(Entry.file("a.txt", "one"), Entry.file("a.txt", "one").onlyInZip()));
        assertRefusedAndTargetUntouched(id, "twice");
    }

    @Test
    void shouldRefuseDeviceEntries() throws Exception {
        String id = "20260101T000000Z";
        SnapshotForger.forge(dest, id, List.of(Entry.file("dev", "").withMode(0020000 | 0644)));
        assertRefusedAndTargetUntouched(id, "device");
    }

    @Test
    void shouldRefuseEntriesTheIndexDoesNotList() throws Exception {
        String id = "20260101T000000Z";
        SnapshotForger.forge(dest, id, List.of(Entry.file("a.txt", "one"), Entry.file("b.txt", "sneaky").onlyInZip()));
        assertRefusedAndTargetUntouched(id, "FILE_EXTRA");
    }

    @Test
    void shouldRefuseAnIndexedEntryMissingFromTheArchiveAndAnExtraNameTwice() throws Exception {
        String id = "20260101T000000Z";
        SnapshotForger.forge(dest, id, List.of(Entry.file("a.txt", "one"),
                new Entry("gone.txt", "FILE", "lost", 0100644, true, false),
                Entry.file("x.txt", "1").onlyInZip(), Entry.file("x.txt", "2").onlyInZip()));

        VerifyResult v = plan.verify(id);

        assertThat(v.problems()).anySatisfy(p -> assertThat(p.toString()).contains("gone.txt")
                .contains("listed in the index but not in the archive"));
        assertThat(v.problems()).anySatisfy(p -> assertThat(p.toString()).contains("x.txt").contains("FILE_EXTRA"));
        assertThat(v.problems()).anySatisfy(p -> assertThat(p.toString()).contains("x.txt").contains("twice"));
        assertThat(v.problems()).noneSatisfy(p -> assertThat(p.toString()).contains("a.txt"));
        assertRefusedAndTargetUntouched(id, "gone.txt");
    }

    @Test
    void shouldRestoreAnArchiveWhoseEntriesComeInAnotherOrderThanItsIndex() throws Exception {
        String id = "20260101T000000Z";
        // index: a, b, c; archive: b, c, a (the index is read as the archive asks; a is held until it comes)
        SnapshotForger.forge(dest, id, List.of(Entry.file("a.txt", "one").onlyInIndex(), Entry.file("b.txt", "two"),
                Entry.file("c.txt", "three"), Entry.file("a.txt", "one").onlyInZip()));

        assertThat(plan.verify(id).problems()).isEmpty();
        plan.restore(RestoreRequest.of(id).target(target));

        assertThat(Files.readString(target.resolve("a.txt"))).isEqualTo("one");
        assertThat(Files.readString(target.resolve("b.txt"))).isEqualTo("two");
        assertThat(Files.readString(target.resolve("c.txt"))).isEqualTo("three");
        assertThat(TestTrees.describe(target)).containsOnlyKeys("a.txt", "b.txt", "c.txt");
    }

    @Test
    void shouldReportAPathTheIndexListsTwiceOnceAndNothingElse() throws Exception {
        String id = "20260101T000000Z";
        SnapshotForger.forge(dest, id, List.of(Entry.file("a.txt", "one"), Entry.file("b.txt", "two"),
                Entry.file("a.txt", "one").onlyInIndex()));

        VerifyResult v = plan.verify(id);

        assertThat(v.problems()).as(v.toString()).singleElement().satisfies(p -> assertThat(p.toString())
                .contains("a.txt").contains("listed twice in the snapshot"));
        assertRefusedAndTargetUntouched(id, "listed twice");
    }

    @Test
    void shouldRefuseAnIndexedFileTheArchiveHoldsTwiceAndNameWhatIsMissing() throws Exception {
        String id = "20260101T000000Z";
        SnapshotForger.forge(dest, id, List.of(Entry.file("a.txt", "one"), Entry.file("a.txt", "one").onlyInZip(),
                Entry.file("z.txt", "last").onlyInIndex()));

        VerifyResult v = plan.verify(id);

        assertThat(v.problems()).as(v.toString()).hasSize(2);
        assertThat(v.problems()).anySatisfy(p -> assertThat(p.toString()).contains("a.txt")
                .contains("archive holds this name twice"));
        assertThat(v.problems()).anySatisfy(p -> assertThat(p.toString()).contains("z.txt")
                .contains("listed in the index but not in the archive"));
        assertRefusedAndTargetUntouched(id, "twice");
    }

    @Test
    void shouldRefuseEntriesStoredBeneathALink() throws Exception {
        String id = plan.backup().snapshotId();
        // the index says Metadata/Movies is a link, while the unit's other entries sit beneath it
        Path dir = dest.resolve(id);
        Path index = dir.resolve("index/Metadata.jsonl");
        String text = Files.readString(index).replaceFirst(
                "\\{\"path\":\"Metadata/Movies\",\"type\":\"DIRECTORY\",\"size\":0,(\"mtime\":\"[^\"]+\"),\"mode\":\\d+}",
                "{\"path\":\"Metadata/Movies\",\"type\":\"SYMLINK\",\"size\":0,$1,\"mode\":511,\"target\":\"elsewhere\"}");
        assertThat(text).contains("\"target\":\"elsewhere\"");
        Files.writeString(index, text);
        Path manifest = dir.resolve("manifest.json");
        Files.writeString(manifest, Files.readString(manifest).replaceAll(
                "(\"index\" : \"index/Metadata.jsonl\",\\s*\"indexSha256\" : \")[0-9a-f]+",
                "$1" + SnapshotForger.sha(Files.readAllBytes(index))));
        Path sums = dir.resolve("manifest.sha256");
        Files.writeString(sums, Files.readString(sums).replaceFirst("^[0-9a-f]{64}",
                SnapshotForger.sha(Files.readAllBytes(manifest))));

        VerifyResult first = plan.verify(id);
        VerifyResult again = plan.verify(id);

        assertThat(first.problems()).as(first.toString()).anySatisfy(p -> assertThat(p.toString())
                .contains("Metadata/Movies").contains("entries are stored beneath this link"));
        assertThat(again.problems()).isEqualTo(first.problems());
        assertRefusedAndTargetUntouched(id, "beneath this link");
    }

    @Test
    void shouldRefuseAManifestPointingOutsideTheSnapshot() throws Exception {
        String id = "20260101T000000Z";
        SnapshotForger.forge(dest, id, List.of(Entry.file("a.txt", "one")));
        Path manifest = dest.resolve(id).resolve("manifest.json");
        Files.writeString(manifest, Files.readString(manifest).replace("\"units/_root.zip\"",
                "\"../../source/units.zip\""));
        assertRefusedAndTargetUntouched(id, "outside the snapshot");
    }

    @Test
    void shouldNameTheManifestWhenAByteOfItChangesAndKeepTheExcludedLiveFiles() throws Exception {
        // a flipped exclude would otherwise read as valid and the restore would replace the target's live log
        BackupPlan excluding = plan.toBuilder().exclude("Logs/**").build();
        String id = excluding.backup().snapshotId();
        Path manifest = dest.resolve(id).resolve("manifest.json");
        Files.writeString(manifest, Files.readString(manifest).replace("Logs/**", "Lngs/**"));
        TestTrees.write(target.resolve("Logs/live.log"), "written by the server");
        targetBefore = TestTrees.describe(target);

        VerifyResult v = excluding.verify(id);

        assertThat(v.ok()).isFalse();
        assertThat(v.problems()).singleElement().satisfies(p -> {
            assertThat(p.kind()).isEqualTo(VerifyProblem.Kind.MANIFEST);
            assertThat(p.path()).isEqualTo("manifest.json");
            assertThat(p.detail()).contains("manifest.sha256");
        });
        CorruptSnapshotException e = catchThrowableOfType(CorruptSnapshotException.class,
                () -> excluding.restore(RestoreRequest.of(id).target(target)));
        assertThat(e).as("restore must refuse").isNotNull();
        assertThat(e.getMessage()).contains("manifest.json");
        assertThat(TestTrees.describe(target)).isEqualTo(targetBefore);
    }

    @Test
    void shouldNameAMalformedManifestHash() throws Exception {
        String id = plan.backup().snapshotId();
        Files.writeString(dest.resolve(id).resolve("manifest.sha256"), "not a hash\n");

        assertThat(plan.verify(id).problems()).singleElement().satisfies(p -> {
            assertThat(p.kind()).isEqualTo(VerifyProblem.Kind.MANIFEST);
            assertThat(p.detail()).contains("malformed");
        });
        assertRefusedAndTargetUntouched(id, "manifest.json");
    }

    @Test
    void shouldReadASnapshotWrittenBeforeTheManifestHadAHash() throws Exception {
        String id = plan.backup().snapshotId();
        Files.delete(dest.resolve(id).resolve("manifest.sha256"));

        assertThat(plan.verify(id).ok()).isTrue();
        plan.restore(RestoreRequest.of(id).target(target));
        assertThat(target.resolve("Preferences.xml")).exists();
    }

    @Test
    void shouldRefuseAManifestWithoutItsExcludesNamingTheField() throws Exception {
        String id = "20260101T000000Z";
        SnapshotForger.forge(dest, id, List.of(Entry.file("a.txt", "one")));
        Path manifest = dest.resolve(id).resolve("manifest.json");
        Files.writeString(manifest, Files.readString(manifest).replace("\"excludes\"", "\"excludez\""));
        assertThatThrownBy(() -> plan.verify(id)).isInstanceOf(BackupException.class)
                .hasMessageContaining("manifest.json").hasMessageContaining("plan.excludes");
        assertThatThrownBy(() -> plan.restore(RestoreRequest.of(id).target(target)))
                .isInstanceOf(BackupException.class).hasMessageContaining("plan.excludes");
        assertThat(TestTrees.describe(target)).isEqualTo(targetBefore);
    }

    @Test
    void shouldNameTheSnapshotWhoseManifestNamesAnArchiverThatIsNotThere() throws Exception {
        String id = "20260101T000000Z";
        SnapshotForger.forge(dest, id, List.of(Entry.file("a.txt", "one")));
        Path manifest = dest.resolve(id).resolve("manifest.json");
        Files.writeString(manifest, Files.readString(manifest).replaceFirst("\"id\" ?: ?\"zip\"", "\"id\":\"nope\""));
        Files.deleteIfExists(dest.resolve(id).resolve("manifest.sha256"));
        assertThat(Files.readString(manifest)).contains("\"nope\"");

        assertThatThrownBy(() -> plan.restore(RestoreRequest.of(id).target(target)))
                .isInstanceOf(UnknownProviderException.class)
                .hasMessageContaining("The manifest of snapshot " + id + " names archiver 'nope'")
                .hasMessageContaining("No archiver with id 'nope'");
        assertThat(TestTrees.describe(target)).isEqualTo(targetBefore);
    }

    @Test
    void shouldRefuseABadExcludePatternInTheManifestBeforeExtracting() throws Exception {
        String id = "20260101T000000Z";
        SnapshotForger.forge(dest, id, List.of(Entry.file("a.txt", "one")));
        Path manifest = dest.resolve(id).resolve("manifest.json");
        Files.writeString(manifest, Files.readString(manifest).replaceFirst("\"excludes\" ?: ?\\[[^\\]]*\\]",
                "\"excludes\":[null]"));
        assertThat(Files.readString(manifest)).contains("[null]");

        assertThatThrownBy(() -> plan.restore(RestoreRequest.of(id).target(target)))
                .isInstanceOf(BackupException.class).hasMessageContaining("manifest.json")
                .hasMessageContaining("null) element in plan.excludes");
        assertThat(TestTrees.describe(target)).isEqualTo(targetBefore);
        try (var s = Files.list(target.getParent())) {
            assertThat(s.map(p -> p.getFileName().toString())).noneMatch(n -> n.contains("backupkit-restore"));
        }
    }

    @Test
    void shouldRefuseANullUnitInTheManifestNamingTheField() throws Exception {
        String id = "20260101T000000Z";
        SnapshotForger.forge(dest, id, List.of(Entry.file("a.txt", "one")));
        Path manifest = dest.resolve(id).resolve("manifest.json");
        Files.writeString(manifest, Files.readString(manifest).replaceFirst("\"units\" ?: ?\\[", "\"units\":[null,"));
        Files.deleteIfExists(dest.resolve(id).resolve("manifest.sha256"));
        assertThat(Files.readString(manifest)).contains("[null,");

        assertThatThrownBy(() -> plan.verify(id)).isInstanceOf(BackupException.class)
                .hasMessageContaining("manifest.json").hasMessageContaining("null) element in units");
        assertThatThrownBy(() -> plan.restore(RestoreRequest.of(id).target(target)))
                .isInstanceOf(BackupException.class).hasMessageContaining("null) element in units");
        assertThat(TestTrees.describe(target)).isEqualTo(targetBefore);
    }

    @Test
    void shouldRefuseAnEmptyManifestNamingIt() throws Exception {
        String id = "20260101T000000Z";
        SnapshotForger.forge(dest, id, List.of(Entry.file("a.txt", "one")));
        Files.writeString(dest.resolve(id).resolve("manifest.json"), "");
        assertThatThrownBy(() -> plan.verify(id)).isInstanceOf(BackupException.class)
                .hasMessageContaining("manifest.json").hasMessageContaining("empty");
        assertThat(TestTrees.describe(target)).isEqualTo(targetBefore);
    }

    @Test
    void shouldNameAnIndexEntryWithoutAModificationTimeBeforeExtracting() throws Exception {
        String id = "20260101T000000Z";
        SnapshotForger.forge(dest, id, List.of(Entry.file("a.txt", "one"), Entry.file("b.txt", "two")));
        Path index = dest.resolve(id).resolve("index/_root.jsonl");
        Files.writeString(index, Files.readString(index).replaceFirst("\"mtime\":\"[^\"]+\",", ""));
        Path manifest = dest.resolve(id).resolve("manifest.json");
        Files.writeString(manifest, Files.readString(manifest).replaceAll("\"indexSha256\":\"[0-9a-f]+\"",
                "\"indexSha256\":\"" + SnapshotForger.sha(Files.readAllBytes(index)) + "\""));

        assertThat(plan.verify(id).problems()).anySatisfy(p -> {
            assertThat(p.kind()).isEqualTo(VerifyProblem.Kind.INDEX);
            assertThat(p.path()).isEqualTo("a.txt");
            assertThat(p.detail()).contains("modification time");
        });
        assertRefusedAndTargetUntouched(id, "a.txt", "modification time");
    }

    @Test
    void shouldRefuseASnapshotOfANewerFormatNamingBothVersions() throws Exception {
        String id = "20260101T000000Z";
        SnapshotForger.forge(dest, id, List.of(Entry.file("a.txt", "one")));
        Path manifest = dest.resolve(id).resolve("manifest.json");
        Files.writeString(manifest, Files.readString(manifest).replace("\"formatVersion\":1", "\"formatVersion\":7"));
        assertThatThrownBy(() -> plan.restore(RestoreRequest.of(id).target(target)))
                .isInstanceOf(IncompatibleSnapshotException.class)
                .hasMessageContaining("format version 7").hasMessageContaining("format version 1");
        assertThat(TestTrees.describe(target)).isEqualTo(targetBefore);
    }

    @Test
    void shouldNameTheUnknownSnapshotAndListTheAvailableOnes() throws Exception {
        BackupResult r = plan.backup();
        assertThatThrownBy(() -> plan.restore(RestoreRequest.of("20000101T000000Z").target(target)))
                .isInstanceOf(SnapshotNotFoundException.class)
                .hasMessageContaining("'20000101T000000Z'").hasMessageContaining(r.snapshotId());
        assertThatThrownBy(() -> plan.verify("nope")).isInstanceOf(SnapshotNotFoundException.class)
                .hasMessageContaining("'nope'");
    }

    @Test
    void shouldRefuseARestoreTargetThatIsAFile() throws Exception {
        plan.backup();
        Path file = Files.writeString(tmp.resolve("file.txt"), "x");
        assertThatThrownBy(() -> plan.restore(RestoreRequest.latest().target(file)))
                .isInstanceOf(BackupException.class).hasMessage("Restore target " + file + " is a file, not a folder");
        assertThat(Files.readString(file)).isEqualTo("x");
    }

    @Test
    void shouldRefuseARestoreTargetThatHoldsTheBackupsThroughALink() throws Exception {
        BackupPlan inside = plan.toBuilder().destination(tmp.resolve("real/bk")).build();
        inside.backup();
        Path link = Files.createSymbolicLink(tmp.resolve("link"), tmp.resolve("real"));
        assertThatThrownBy(() -> inside.restore(RestoreRequest.latest().target(link)))
                .isInstanceOf(BackupException.class).hasMessageContaining("contains the destination");
        assertThat(inside.snapshots()).hasSize(1);
        BackupPlan throughLink = plan.toBuilder().destination(link.resolve("bk")).build();
        assertThatThrownBy(() -> throughLink.restore(RestoreRequest.latest().target(tmp.resolve("real"))))
                .isInstanceOf(BackupException.class).hasMessageContaining("contains the destination");
        assertThat(inside.snapshots()).hasSize(1);
    }

    @Test
    void shouldRefuseARestoreTargetHoldingTheBackups() throws Exception {
        plan.backup();
        assertThatThrownBy(() -> plan.restore(RestoreRequest.latest().target(tmp)))
                .isInstanceOf(BackupException.class).hasMessageContaining("contains the destination");
    }
}
