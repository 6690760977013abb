package io.backupkit.examples.cli;

import io.backupkit.BackupPlan;
import io.backupkit.ProgressListener;
import io.backupkit.spi.RetentionPolicy;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

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

    @Option(names = "--source", paramLabel = "DIR",
            description = "The data folder to back up (required unless --profile finds it or --config sets it).")
    Path source;

    @Option(names = "--dest", paramLabel = "DIR|URL",
            description = "The folder that holds the snapshots, one subfolder each; created when missing "
                    + "(required unless --config sets it); or s3://bucket/prefix, sftp://user@host:port/path.")
    String dest;

    @Mixin
    RemoteOptions remote = new RemoteOptions();

    @Mixin
    ProfileOptions profile = new ProfileOptions();

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

    @Option(names = "--split", paramLabel = "DIR",
            description = "Top-level folder written as one unit per sub-folder, so a small change re-archives little, "
                    + "e.g. \"Metadata\". Repeatable.")
    List<String> split = new ArrayList<>();

    @Option(names = "--database", paramLabel = "GLOB",
            description = "Source-relative glob of live SQLite databases, captured consistently (online backup) "
                    + "instead of copied raw, e.g. \"Plug-in Support/Databases/*.db\". Repeatable.")
    List<String> databases = new ArrayList<>();

    @Option(names = "--workers", paramLabel = "N",
            description = "Units written at once (1-64; default: one per core, at most 4).")
    Integer workers;

    @Option(names = "--archiver-option", paramLabel = "KEY=VALUE",
            description = "An archiver option, e.g. level=1 (zip, 7z, tar.*), workers=2 (tar.zst). Repeatable.")
    Map<String, String> archiverOptions = new LinkedHashMap<>();

    @Option(names = "--retries", paramLabel = "N",
            description = "How often a unit whose writing failed is written again (default 2); for the mirror "
                    + "archiver also how often a failed file copy is tried again (default 5).")
    Integer retries;

    @Option(names = "--retry-wait", paramLabel = "WAIT",
            description = "Wait before each retry, e.g. 10s, 500ms, 2m (default 10s).")
    String retryWait;

    @Option(names = "--recheck-after", paramLabel = "DURATION",
            description = "Reuse an unchanged unit's archive without reading it again while its last check is "
                    + "more recent than this and its size and time are unchanged, e.g. 7d, 12h; 0 reads every "
                    + "reused archive on every backup (default 7d).")
    String recheckAfter;

    @Option(names = "--staging", paramLabel = "DIR",
            description = "Local folder where archives are written before they move to a slow destination "
                    + "(a NAS share).")
    Path staging;

    @Option(names = "--no-restart", description = "Leave the services stopped after the backup.")
    boolean noRestart;

    @Option(names = "--require-running",
            description = "Fail, before anything is written, when a service is not running.")
    boolean requireRunning;

    @Option(names = "--no-space-check",
            description = "Skip the free-space check made before a service is stopped or anything written.")
    boolean noSpaceCheck;

    @Mixin
    ServiceOptions services = new ServiceOptions();

    @Mixin
    NotifyOptions notify = new NotifyOptions();

    @Option(names = "--dry-run", description = "Only report what would be written; write and delete nothing.")
    boolean dryRun;

    /**
     * @param listener progress listener
     * @param retention the retention policy, or {@code null} to keep every snapshot
     * @return the plan these options describe
     * @throws io.backupkit.InvalidPlanException listing every problem of the plan
     */
    BackupPlan plan(ProgressListener listener, RetentionPolicy retention) {
        BackupPlan.Builder b = BackupPlan.builder();
        ProfileOptions.Applied applied = profile.apply(b, spec, services.given(), retention != null);
        if (source == null && !applied.source()) {
            throw new ParameterException(spec.commandLine(),
                    "--source is required unless --profile finds the app's data folder or --config sets source");
        }
        if (dest == null && !applied.destination()) {
            throw new ParameterException(spec.commandLine(), "--dest is required unless --config sets destination");
        }
        if (source != null) {
            b.source(source);
        }
        if (dest != null) {
            remote.apply(b, dest, spec);
        }
        b.exclude(excludes.toArray(String[]::new))
                .special(special.toArray(String[]::new))
                .split(split.toArray(String[]::new))
                .database(databases.toArray(String[]::new))
                .listener(listener);
        if (dryRun) {
            b.dryRun(true);
        }
        if (archiver != null) {
            b.archiver(archiver);
        }
        if (workers != null) {
            b.workers(workers);
        }
        archiverOptions.forEach(b::archiverOption);
        boolean archiverRetries = (retries != null || retryWait != null) && declaresRetries(b);
        if (retries != null) {
            b.retries(retries);
            if (archiverRetries) {
                b.archiverOption("retries", Integer.toString(retries));
            }
        }
        if (retryWait != null) {
            try {
                b.retryWait(CliDurations.parse("--retry-wait", retryWait));
            } catch (IllegalArgumentException e) {
                throw new ParameterException(spec.commandLine(), e.getMessage());
            }
            if (archiverRetries) {
                b.archiverOption("retryWait", retryWait);
            }
        }
        if (recheckAfter != null) {
            try {
                b.recheckAfter(CliDurations.parse("--recheck-after", recheckAfter));
            } catch (IllegalArgumentException e) {
                throw new ParameterException(spec.commandLine(), e.getMessage());
            }
        }
        if (staging != null) {
            b.staging(staging);
        }
        // flags only switch on: a file's true stays when the flag is not given
        if (noRestart) {
            b.noRestart(true);
        }
        if (requireRunning) {
            b.requireRunning(true);
        }
        if (noSpaceCheck) {
            b.spaceCheck(false);
        }
        services.apply(b, spec);
        notify.apply(b, spec);
        if (retention != null) {
            b.retention(retention);
        }
        return b.build();
    }

    /**
     * @return whether the plan's archiver, however it was chosen (option, profile or configuration file), has its own
     *         {@code retries} option, as mirror has for each file copy; {@code false} when the plan is not valid yet
     *         (build() reports why later)
     */
    private static boolean declaresRetries(BackupPlan.Builder b) {
        try {
            return b.build().archiver().defaultOptions().containsKey("retries");
        } catch (io.backupkit.InvalidPlanException e) {
            return false;
        }
    }
}
