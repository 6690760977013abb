package io.backupkit.spi;

/**
 * One file of a {@link Destination}, as listed.
 *
 * <pre>{@code
 * for (RemoteFile f : destination.list("20261122T035800Z/")) System.out.println(f.name() + " " + f.size());
 * }</pre>
 *
 * @param name its name relative to the destination's root, {@code '/'} separators
 * @param size its size in bytes
 */
public record RemoteFile(String name, long size) {
}
