package io.backupkit;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * What every hostile-archive test checks, whatever the format: the restore is refused with a
 * {@link RestoreException} naming the entry and the reason, the target's live data is untouched and nothing is left
 * anywhere else.
 *
 * <pre>{@code
 * Refusals.assertRefused(tmp, plan, archive, "../evil.txt", "'..'");
 * Refusals.assertRefused(tmp, plan, RestoreRequest.fromParts(parts), "../evil.txt", "'..'");
 * }</pre>
 */
public final class Refusals {

    private Refusals() {
    }

    /**
     * @param tmp the test's folder, holding the archive and the target
     * @return {@code tmp/work/target}, holding {@code live.txt}
     * @throws IOException if it cannot be made
     */
    public static Path target(Path tmp) throws IOException {
        Path target = tmp.resolve("work/target");
        Files.createDirectories(target);
        Files.writeString(target.resolve("live.txt"), "live data");
        return target;
    }

    /**
     * @param dir a folder
     * @return every path below it, relative to it
     * @throws IOException if it cannot be walked
     */
    public static List<String> everythingUnder(Path dir) throws IOException {
        List<String> out = new ArrayList<>();
        try (Stream<Path> s = Files.walk(dir)) {
            s.forEach(p -> out.add(dir.relativize(p).toString()));
        }
        return out;
    }

    /**
     * @param tmp the test's folder
     * @param plan the plan restoring
     * @param archive the hostile archive
     * @param entry the entry the refusal must name
     * @param why what the message must say
     * @throws IOException if the folders cannot be read
     */
    public static void assertRefused(Path tmp, BackupPlan plan, Path archive, String entry, String why)
            throws IOException {
        assertRefused(tmp, plan, RestoreRequest.fromArchive(archive), entry, why);
    }

    /**
     * @param tmp the test's folder, holding the backup and the target
     * @param plan the plan restoring
     * @param request the restore of a hostile backup, without a target ({@link #target(Path)} is used)
     * @param entry the entry the refusal must name, as stored
     * @param why what the message must say
     * @throws IOException if the folders cannot be read
     */
    public static void assertRefused(Path tmp, BackupPlan plan, RestoreRequest request, String entry, String why)
            throws IOException {
        Path target = target(tmp);
        List<String> before = everythingUnder(tmp);
        assertThatThrownBy(() -> plan.restore(request.target(target)))
                .isInstanceOfSatisfying(RestoreException.class, e -> {
                    assertThat(e.entry()).as(request.toString()).contains(entry);
                    assertThat(e.getMessage()).contains(entry).contains(why);
                });
        assertThat(Files.readString(target.resolve("live.txt"))).isEqualTo("live data");
        assertThat(everythingUnder(tmp)).containsExactlyInAnyOrderElementsOf(before);
        assertThat(tmp.getParent().resolve("evil.txt")).doesNotExist();
    }
}
