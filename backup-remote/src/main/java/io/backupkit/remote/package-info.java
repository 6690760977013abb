/**
 * Remote destinations: the one entry point {@link io.backupkit.remote.Destinations}. Public API.
 *
 * <pre>{@code
 * BackupPlan.builder().source(src).destination(Destinations.s3("bucket", "plex")).build();
 * }</pre>
 */
package io.backupkit.remote;
