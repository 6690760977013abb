/**
 * Copying play state and favourites between Jellyfin users: from a user in a snapshot's {@code data/jellyfin.db}
 * to a user of the running server, merged (or, when asked, overwritten), with a dry run that lists every change.
 *
 * <pre>{@code
 * UserDataReport r = UserDataCopy.builder()
 *     .destination("/mnt/backup/jellyfin").snapshot("latest")
 *     .source("/var/lib/jellyfin")
 *     .map("alice=bob", "carol=dave")
 *     .dryRun(true)
 *     .build()
 *     .run();
 * }</pre>
 *
 * <p>Examples, not API: the rules (which fields, how they merge, how items are found) are in the module's README
 * ("Copying user data"); the command line's behaviour ({@code backupkit copy-user-data}) is the promise.
 */
package io.backupkit.examples.userdata;
