package io.backupkit.internal;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.nio.file.attribute.PosixFileAttributes;

/**
 * The whole POSIX mode ({@code st_mode}, set-user-ID, set-group-ID and sticky bits included) of the attributes that
 * {@code Files.readAttributes(path, PosixFileAttributes.class)} returns on the JDK's Unix file systems, which hold it
 * but show only the nine permission bits. Asking the {@code unix} view for {@code unix:mode} instead builds a map
 * of attributes per file, which costs a walk of a large data folder about as much CPU time as the kernel's work.
 *
 * <p>The mode is read through the JDK's own accessor, which the module system allows only when {@code sun.nio.fs}
 * is open to BackupKit: {@code backupkit.jar} opens it in its manifest ({@code Add-Opens}), an application that
 * embeds BackupKit can pass {@code --add-opens java.base/sun.nio.fs=ALL-UNNAMED}. Without it, {@link #available()}
 * is {@code false} and the scanner asks the {@code unix} view, with the same result.
 */
final class UnixMode {

    private static final Class<?> TYPE = type();
    private static final MethodHandle MODE = mode(TYPE);

    private UnixMode() {
    }

    /** @return whether {@link #of} can read modes in this JVM */
    static boolean available() {
        return MODE != null;
    }

    /**
     * @param attributes attributes read from any file system
     * @return the whole mode, or -1 when they are not the JDK's Unix attributes (or the accessor is not open)
     */
    static int of(PosixFileAttributes attributes) {
        if (MODE == null || attributes.getClass() != TYPE) {
            return -1;
        }
        try {
            return (int) MODE.invokeExact(attributes);
        } catch (Throwable e) { // the accessor only returns a field
            throw new IllegalStateException("reading the mode of " + attributes + " failed", e);
        }
    }

    private static Class<?> type() {
        try {
            return Class.forName("sun.nio.fs.UnixFileAttributes");
        } catch (ClassNotFoundException | LinkageError e) {
            return null; // not a Unix JDK
        }
    }

    private static MethodHandle mode(Class<?> type) {
        if (type == null) {
            return null;
        }
        try {
            MethodHandles.Lookup lookup = MethodHandles.privateLookupIn(type, MethodHandles.lookup());
            return lookup.findVirtual(type, "mode", MethodType.methodType(int.class))
                    .asType(MethodType.methodType(int.class, PosixFileAttributes.class));
        } catch (IllegalAccessException | NoSuchMethodException | RuntimeException e) {
            return null; // sun.nio.fs is not open to BackupKit, or the JDK changed: the unix view it is
        }
    }
}
