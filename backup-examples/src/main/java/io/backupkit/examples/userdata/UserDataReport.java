package io.backupkit.examples.userdata;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * What {@link UserDataCopy#run()} did, or in a dry run would do.
 *
 * <pre>{@code
 * UserDataReport r = copy.run();
 * r.mappings().forEach(m -> System.out.println(m.summary()));
 * r.safetyCopy();   // the live database as it was just before the change
 * }</pre>
 *
 * @param snapshotId      the snapshot the source users' data came from
 * @param database        the running server's database that was (or would be) changed
 * @param dryRun          whether nothing was written
 * @param overwrite       whether the target's values were replaced instead of merged
 * @param safetyCopy      a copy of {@code database} taken (SQLite online backup) just before the change, once the
 *                        write lock was held; {@code null} in a dry run or when there was nothing to change
 * @param mappings        one report per pair of users, in the order given
 * @param stoppedServices the services stopped for the write and started again afterwards
 * @param warnings        things to look at, e.g. that the server was not stopped
 * @param duration        how long it took
 */
public record UserDataReport(String snapshotId, Path database, boolean dryRun, boolean overwrite, Path safetyCopy,
                             List<UserMappingReport> mappings, List<String> stoppedServices, List<String> warnings,
                             Duration duration) {

    /** Copies the lists. */
    public UserDataReport {
        mappings = List.copyOf(mappings);
        stoppedServices = List.copyOf(stoppedServices);
        warnings = List.copyOf(warnings);
    }

    /** @return the rows added over all mappings */
    public int copied() {
        return mappings.stream().mapToInt(UserMappingReport::copied).sum();
    }

    /** @return the rows changed over all mappings */
    public int changed() {
        return mappings.stream().mapToInt(UserMappingReport::changed).sum();
    }

    /** @return the backup's rows not copied because the server does not have their item, over all mappings */
    public int unmatched() {
        return mappings.stream().mapToInt(UserMappingReport::unmatched).sum();
    }
}
