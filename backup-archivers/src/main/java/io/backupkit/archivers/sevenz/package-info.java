/**
 * The {@code 7z} archiver: 7-Zip archives with LZMA2, through Commons Compress and the pure-Java xz library. Use it
 * by id; the class is public so a host can also pass an instance or read a 7z archive directly.
 *
 * <pre>{@code
 * BackupPlan.builder().archiver("7z").archiverOption("level", "1")...
 * }</pre>
 */
package io.backupkit.archivers.sevenz;
