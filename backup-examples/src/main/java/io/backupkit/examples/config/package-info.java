/**
 * Plans from JSON configuration files: {@link io.backupkit.examples.config.BackupPlans#fromJson(java.nio.file.Path)}.
 *
 * <pre>{@code
 * BackupPlan plan = BackupPlans.fromJson(Path.of("plex-linux.json")).dryRun(true).build();
 * }</pre>
 *
 * <p>Examples, not API: the file format is described in the module's README ("Configuration file").
 */
package io.backupkit.examples.config;
