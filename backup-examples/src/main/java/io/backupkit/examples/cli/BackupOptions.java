package io.backupkit.examples.cli;

import io.backupkit.BackupPlan;
import io.backupkit.ProgressListener;
import io.backupkit.RetentionPolicies;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The options of {@code backup} and {@code resume}, and the plan they describe.
 *
 * <pre>{@code
 * @Mixin BackupOptions options;
 * BackupPlan plan = options.plan(progress);
 * }</pre>
 */
final class BackupOptions {

    @Spec(Spec.Target.MIXEE)
    CommandSpec spec;

    @Option(names = "--source", required = true, paramLabel = "DIR", description = "The data folder to back up.")
    Path source;

    @Option(names = "--dest", required = true, paramLabel = "DIR",
            description = "The folder that holds the snapshots, one subfolder each; created when missing.")
    Path dest;

    @Option(names = "--archiver", paramLabel = "ID",
            description = "Archiver id (default: zip); an unknown id fails listing the ids available.")
    String archiver;

    @Option(names = "--exclude", paramLabel = "GLOB",
            description = "Leave out matching source-relative paths ('/' separators, ** crosses folders), "
                    + "e.g. \"Logs/**\". Repeatable.")
    List<String> excludes = new ArrayList<>();

    @Option(names = "--special", paramLabel = "DIR",
            description = "Source-relative folder copied as plain files instead of archived (long paths), "
                    + "e.g. \"Media/localhost\". Repeatable.")
    List<String> special = new ArrayList<>();

    @Option(names = "--keep", paramLabel = "N",
            description = "After a successful backup keep only the newest N complete snapshots (N >= 1). "
                    + "Default: keep all.")
    Integer keep;

    @Option(names = "--dry-run", description = "Only report what would be written; write and delete nothing.")
    boolean dryRun;

    /**
     * @param listener progress listener
     * @return the plan these options describe
     * @throws ParameterException if {@code --keep} is below 1
     * @throws io.backupkit.InvalidPlanException listing every problem of the plan
     */
    BackupPlan plan(ProgressListener listener) {
        if (keep != null && keep < 1) {
            throw new ParameterException(spec.commandLine(),
                    "--keep must be at least 1 (the number of snapshots to keep), was " + keep);
        }
        BackupPlan.Builder b = BackupPlan.builder()
                .source(source)
                .destination(dest)
                .exclude(excludes.toArray(String[]::new))
                .special(special.toArray(String[]::new))
                .dryRun(dryRun)
                .listener(listener);
        if (archiver != null) {
            b.archiver(archiver);
        }
        if (keep != null) {
            b.retention(RetentionPolicies.keepLast(keep));
        }
        return b.build();
    }
}
