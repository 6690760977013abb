package io.backupkit.internal;

import io.backupkit.BackupException;

import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.UserPrincipal;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.nio.file.attribute.UserPrincipalNotFoundException;

/**
 * The owner a restore gives the extracted files ({@code USER} or {@code USER:GROUP}), looked up before anything is
 * extracted, applied to the extracted tree before the swap (links themselves, never what they point to).
 *
 * <pre>{@code
 * Owners o = Owners.lookUp("jellyfin:jellyfin", target);
 * o.applyTo(extracted);
 * }</pre>
 */
final class Owners {

    private final String spec;
    private final UserPrincipal user;
    private final GroupPrincipal group;

    private Owners(String spec, UserPrincipal user, GroupPrincipal group) {
        this.spec = spec;
        this.user = user;
        this.group = group;
    }

    /**
     * @param spec {@code USER} or {@code USER:GROUP}, or {@code null}
     * @param near a path on the file system the files go to (its lookup service is used)
     * @return the owner, or {@code null} when none is asked for
     * @throws BackupException naming the user or group when it does not exist or owners cannot be set there
     */
    static Owners lookUp(String spec, Path near) {
        if (spec == null) {
            return null;
        }
        String[] parts = spec.split(":", 2);
        UserPrincipalLookupService lookup = near.getFileSystem().getUserPrincipalLookupService();
        String what = "user '" + parts[0] + "'";
        try {
            UserPrincipal user = lookup.lookupPrincipalByName(parts[0]);
            GroupPrincipal group = null;
            if (parts.length == 2) {
                what = "group '" + parts[1] + "'";
                group = lookup.lookupPrincipalByGroupName(parts[1]);
            }
            return new Owners(spec, user, group);
        } catch (UserPrincipalNotFoundException e) {
            throw new BackupException("Cannot give the restored files to " + spec + ": no " + what
                    + " on this machine; nothing was restored");
        } catch (IOException | UnsupportedOperationException e) {
            throw new BackupException("Cannot give the restored files to " + spec + ": this file system has no "
                    + "owners to set (" + e.getMessage() + "); nothing was restored", e);
        }
    }

    /**
     * @param root the extracted tree
     * @throws IOException if an owner cannot be set (not root, say), naming the file
     */
    void applyTo(Path root) throws IOException {
        Files.walkFileTree(root, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) throws IOException {
                set(dir);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                set(file);
                return FileVisitResult.CONTINUE;
            }
        });
    }

    private void set(Path p) throws IOException {
        PosixFileAttributeView view = Files.getFileAttributeView(p, PosixFileAttributeView.class,
                LinkOption.NOFOLLOW_LINKS);
        if (view == null) {
            throw new IOException("cannot set the owner of " + p + " on this file system");
        }
        try {
            view.setOwner(user);
            if (group != null) {
                view.setGroup(group);
            }
        } catch (java.nio.file.FileSystemException e) {
            throw new IOException("cannot give " + p + " to " + spec + " (" + e.getReason()
                    + "; restoring with an owner needs root)", e);
        }
    }

    @Override
    public String toString() {
        return spec;
    }
}
