/**
 * The built-in service controllers behind {@link io.backupkit.ServiceControllers}: systemd, Windows services,
 * launchd, docker containers, any command triple, and a process matcher. Public classes, no promise: anything here
 * may change in any release. Use {@link io.backupkit.ServiceControllers} instead.
 *
 * <pre>{@code
 * // not for direct use; see io.backupkit.ServiceControllers
 * ServiceController plex = ServiceControllers.systemd("plexmediaserver");
 * }</pre>
 */
package io.backupkit.internal.service;
