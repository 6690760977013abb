/**
 * S3-compatible object storage as a destination (API: {@link io.backupkit.remote.s3.S3Destination}, made by
 * {@link io.backupkit.remote.Destinations#s3(String, String)}).
 *
 * <pre>{@code
 * builder.destination(Destinations.s3("bucket", "plex").withEndpoint("http://nas:9000").withPathStyle(true));
 * }</pre>
 */
package io.backupkit.remote.s3;
