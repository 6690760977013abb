package io.backupkit.internal;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/**
 * BackupKit's own version, from the build.
 *
 * <pre>{@code
 * String v = Version.current();   // "0.1.0-SNAPSHOT"
 * }</pre>
 */
public final class Version {

    private static final String VERSION = load();

    private Version() {
    }

    /**
     * @return the library version, or {@code "unknown"} when run from unpackaged classes without resources
     */
    public static String current() {
        return VERSION;
    }

    private static String load() {
        try (InputStream in = Version.class.getResourceAsStream("/io/backupkit/version.properties")) {
            if (in == null) {
                return "unknown";
            }
            Properties p = new Properties();
            p.load(in);
            return p.getProperty("version", "unknown");
        } catch (IOException e) {
            return "unknown";
        }
    }
}
