package io.backupkit.examples.profiles;

import java.util.List;
import java.util.Locale;

/**
 * Where an application is installed, as its data folder and service differ: an operating system's own package, a
 * docker image's convention, or a NAS package.
 *
 * <pre>{@code
 * List<Platform> here = Platform.forOs(System.getProperty("os.name"));   // on Linux: LINUX, DOCKER, SYNOLOGY
 * }</pre>
 */
public enum Platform {
    /** The Windows installer. */
    WINDOWS,
    /** The Linux package (deb, rpm) or install script, run as a systemd service. */
    LINUX,
    /** The macOS app. */
    MACOS,
    /** Inside the application's docker image (its {@code /config} volume); the service is the container. */
    DOCKER,
    /** The Synology DSM package. */
    SYNOLOGY;

    /**
     * @param osName an {@code os.name} value
     * @return the platforms that can be found on that operating system, the usual one first: {@code WINDOWS} on
     *         Windows, {@code MACOS} on macOS, else {@code LINUX}, {@code DOCKER}, {@code SYNOLOGY}
     */
    public static List<Platform> forOs(String osName) {
        String os = osName == null ? "" : osName.toLowerCase(Locale.ROOT);
        if (os.startsWith("windows")) {
            return List.of(WINDOWS);
        }
        if (os.startsWith("mac") || os.contains("darwin")) {
            return List.of(MACOS);
        }
        return List.of(LINUX, DOCKER, SYNOLOGY);
    }

    /** @return the platforms of the running operating system, the usual one first */
    public static List<Platform> current() {
        return forOs(System.getProperty("os.name"));
    }
}
