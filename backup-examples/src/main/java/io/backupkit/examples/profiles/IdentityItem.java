package io.backupkit.examples.profiles;

import java.util.Objects;

/**
 * One piece of a server's identity in its data folder: a whole file, an attribute of an XML file's root element, or
 * a direct child element of it. {@link AppProfile#keepIdentity()} keeps the target's own value of each, or leaves the
 * snapshot's out when the target has none, so the application makes a new one.
 *
 * <pre>{@code
 * IdentityItem.file("data/device.txt", "the server id", "Jellyfin makes a new one at first start");
 * IdentityItem.xmlAttribute("Preferences.xml", "MachineIdentifier", "the server's id towards plex.tv", "...");
 * IdentityItem.xmlElement("config.xml", "ApiKey", "the API key other apps connect with", "...");
 * }</pre>
 *
 * @param kind what the item is
 * @param file the file, relative to the data folder with {@code /} separators
 * @param name the attribute or element, {@code null} for a whole file
 * @param about what it is, for people
 * @param whenRemoved what happens when it is left out (the target has none), for people
 */
public record IdentityItem(Kind kind, String file, String name, String about, String whenRemoved) {

    /** What an item is. */
    public enum Kind {
        /** The whole file. */
        FILE,
        /** An attribute of the file's root element. */
        XML_ATTRIBUTE,
        /** A direct child element of the file's root element (its text). */
        XML_ELEMENT
    }

    /** Checks the values. */
    public IdentityItem {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(about, "about");
        Objects.requireNonNull(whenRemoved, "whenRemoved");
        if (file == null || file.isBlank() || file.startsWith("/") || file.contains("\\")
                || java.util.Arrays.asList(file.split("/")).contains("..")) {
            throw new IllegalArgumentException("identity file must be relative with '/' separators, was '" + file
                    + "'");
        }
        if ((kind == Kind.FILE) != (name == null)) {
            throw new IllegalArgumentException(kind == Kind.FILE ? "a whole file has no attribute or element name"
                    : kind + " needs a name");
        }
    }

    /**
     * @param file the file
     * @param about what it is
     * @param whenRemoved what happens without it
     * @return the whole file as an identity item
     */
    public static IdentityItem file(String file, String about, String whenRemoved) {
        return new IdentityItem(Kind.FILE, file, null, about, whenRemoved);
    }

    /**
     * @param file the XML file
     * @param attribute an attribute of its root element
     * @param about what it is
     * @param whenRemoved what happens without it
     * @return the attribute as an identity item
     */
    public static IdentityItem xmlAttribute(String file, String attribute, String about, String whenRemoved) {
        return new IdentityItem(Kind.XML_ATTRIBUTE, file, attribute, about, whenRemoved);
    }

    /**
     * @param file the XML file
     * @param element a direct child element of its root element
     * @param about what it is
     * @param whenRemoved what happens without it
     * @return the element as an identity item
     */
    public static IdentityItem xmlElement(String file, String element, String about, String whenRemoved) {
        return new IdentityItem(Kind.XML_ELEMENT, file, element, about, whenRemoved);
    }

    @Override
    public String toString() {
        return switch (kind) {
            case FILE -> file;
            case XML_ATTRIBUTE -> file + " " + name + "=";
            case XML_ELEMENT -> file + " <" + name + ">";
        };
    }
}
