/**
 * The {@code tar.gz}, {@code tar.xz} and {@code tar.zst} archivers: POSIX (pax) tar archives that GNU tar, bsdtar and
 * 7-Zip read, compressed with gzip, xz or Zstandard. Use them by id; {@code tar.zst} is the fast one.
 *
 * <pre>{@code
 * BackupPlan.builder().source(plexFolder).destination(backups).archiver("tar.zst").build().backup();
 * }</pre>
 *
 * <p>All three share one tar writer, BackupKit's own ustar and pax header writer, and one reader, built on Commons
 * Compress; reading recognises the compression by its magic bytes, so each of them also reads the others' archives
 * and plain {@code .tar} files.
 */
package io.backupkit.archivers.tar;
