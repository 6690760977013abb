package io.backupkit.examples.profiles;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Changing one value of an XML settings file leaves every other byte as it was. */
class XmlFileTest {

    private static final String PREFS = "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n"
            + "<Preferences OldestPreviousVersion=\"1.40.2.8395-c67dce28e\" MachineIdentifier=\"old-id\""
            + " FriendlyName='Wohnzimmer &amp; Küche' AcceptedEULA=\"1\" TranscoderTempDirectory=\"/a>b\"/>\n";

    private static final String CONFIG = "<Config>\r\n"
            + "  <BindAddress>*</BindAddress>\r\n"
            + "  <Port>8989</Port>\r\n"
            + "  <!-- <ApiKey>in a comment</ApiKey> -->\r\n"
            + "  <ApiKey>0123456789abcdef</ApiKey>\r\n"
            + "  <AuthenticationMethod>Forms</AuthenticationMethod>\r\n"
            + "</Config>\r\n";

    @TempDir
    Path tmp;

    private Path file(String content) throws IOException {
        Path p = tmp.resolve("f.xml");
        Files.writeString(p, content, StandardCharsets.UTF_8);
        return p;
    }

    @Test
    void shouldReplaceAnAttributeValueWhereItStands() throws IOException {
        Path p = file(PREFS);
        XmlFile x = XmlFile.read(p, "Preferences.xml");

        assertThat(x.attribute("MachineIdentifier")).contains("old-id");
        assertThat(x.attribute("FriendlyName")).contains("Wohnzimmer & Küche");
        x.setAttribute("MachineIdentifier", "new-id");
        x.write();

        assertThat(Files.readString(p)).isEqualTo(PREFS.replace("\"old-id\"", "\"new-id\""));
    }

    @Test
    void shouldAddAMissingAttributeAfterTheLastAndEscapeIt() throws IOException {
        Path p = file(PREFS);
        XmlFile x = XmlFile.read(p, "Preferences.xml");

        x.setAttribute("PlexOnlineToken", "a\"b<c&d");
        x.setAttribute("FriendlyName", "it's \"mine\"");
        x.write();

        assertThat(Files.readString(p)).isEqualTo(PREFS
                .replace("'Wohnzimmer &amp; Küche'", "'it&apos;s \"mine\"'")
                .replace("/a>b\"/>", "/a>b\" PlexOnlineToken=\"a&quot;b&lt;c&amp;d\"/>"));
        XmlFile again = XmlFile.read(p, "Preferences.xml");
        assertThat(again.attribute("PlexOnlineToken")).contains("a\"b<c&d");
        assertThat(again.attribute("FriendlyName")).contains("it's \"mine\"");
    }

    @Test
    void shouldRemoveAnAttributeWithTheSpaceBeforeIt() throws IOException {
        Path p = file(PREFS);
        XmlFile x = XmlFile.read(p, "Preferences.xml");

        assertThat(x.removeAttribute("MachineIdentifier")).isTrue();
        assertThat(x.removeAttribute("NotThere")).isFalse();
        x.write();

        assertThat(Files.readString(p)).isEqualTo(PREFS.replace(" MachineIdentifier=\"old-id\"", ""));
    }

    @Test
    void shouldWriteNothingWhenNothingChanged() throws IOException {
        Path p = file(PREFS);
        Files.setLastModifiedTime(p, java.nio.file.attribute.FileTime.fromMillis(1_000_000_000_000L));
        XmlFile x = XmlFile.read(p, "Preferences.xml");

        x.setAttribute("MachineIdentifier", "old-id");
        x.write();

        assertThat(x.changed()).isFalse();
        assertThat(Files.getLastModifiedTime(p).toMillis()).isEqualTo(1_000_000_000_000L);
    }

    @Test
    void shouldKeepTheDeclaredEncodingAndAByteOrderMark() throws IOException {
        String latin = "<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?><Preferences FriendlyName=\"Küche\""
                + " MachineIdentifier=\"x\"/>";
        Path p = tmp.resolve("latin.xml");
        Files.write(p, latin.getBytes(StandardCharsets.ISO_8859_1));
        XmlFile x = XmlFile.read(p, "latin.xml");
        x.setAttribute("MachineIdentifier", "Straße €");
        x.write();
        assertThat(Files.readAllBytes(p)).isEqualTo(latin.replace("\"x\"", "\"Straße &#x20ac;\"")
                .getBytes(StandardCharsets.ISO_8859_1));
        assertThat(XmlFile.read(p, "latin.xml").attribute("MachineIdentifier")).contains("Straße €");

        Path bom = tmp.resolve("bom.xml");
        byte[] withBom = ("\ufeff" + PREFS).getBytes(StandardCharsets.UTF_8);
        Files.write(bom, withBom);
        XmlFile b = XmlFile.read(bom, "bom.xml");
        b.setAttribute("MachineIdentifier", "new-id");
        b.write();
        assertThat(Files.readAllBytes(bom)).isEqualTo(("\ufeff" + PREFS.replace("old-id", "new-id"))
                .getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void shouldChangeAChildElementWhereItStandsAndKeepTheLineEnds() throws IOException {
        Path p = file(CONFIG);
        XmlFile x = XmlFile.read(p, "config.xml");

        assertThat(x.element("ApiKey")).contains("0123456789abcdef");
        x.setElement("ApiKey", "fedcba9876543210");
        x.write();

        assertThat(Files.readString(p)).isEqualTo(CONFIG.replace("<ApiKey>0123456789abcdef",
                "<ApiKey>fedcba9876543210"));
        assertThat(Files.readString(p)).contains("<!-- <ApiKey>in a comment</ApiKey> -->");
    }

    @Test
    void shouldRemoveAChildElementWithItsLineAndAddItBackIndentedAsItsSiblings() throws IOException {
        Path p = file(CONFIG);
        XmlFile x = XmlFile.read(p, "config.xml");

        assertThat(x.removeElement("ApiKey")).isTrue();
        x.write();
        String without = CONFIG.replace("  <ApiKey>0123456789abcdef</ApiKey>\r\n", "");
        assertThat(Files.readString(p)).isEqualTo(without);

        XmlFile y = XmlFile.read(p, "config.xml");
        assertThat(y.element("ApiKey")).isEmpty();
        y.setElement("ApiKey", "a<b");
        y.write();
        assertThat(Files.readString(p)).isEqualTo(without.replace("</Config>",
                "  <ApiKey>a&lt;b</ApiKey>\r\n</Config>"));
    }

    @Test
    void shouldFillAnEmptyOrSelfClosingElementAndRoot() throws IOException {
        Path p = file("<Config><Port>1</Port><ApiKey/></Config>");
        XmlFile x = XmlFile.read(p, "config.xml");
        x.setElement("ApiKey", "k");
        x.setElement("InstanceName", "n");
        x.write();
        assertThat(Files.readString(p)).isEqualTo("<Config><Port>1</Port><ApiKey>k</ApiKey>"
                + "<InstanceName>n</InstanceName></Config>");

        Path q = file("<Config />");
        XmlFile y = XmlFile.read(q, "config.xml");
        y.setElement("ApiKey", "k");
        y.write();
        assertThat(Files.readString(q)).isEqualTo("<Config ><ApiKey>k</ApiKey></Config>");
    }

    @Test
    void shouldReadOnlyDirectChildrenOfTheRoot() throws IOException {
        Path p = file("<Config><Nested><ApiKey>deep</ApiKey></Nested><![CDATA[<ApiKey>x</ApiKey>]]>"
                + "<ApiKey>top</ApiKey></Config>");
        XmlFile x = XmlFile.read(p, "config.xml");

        assertThat(x.element("ApiKey")).contains("top");
        x.setElement("ApiKey", "new");
        x.write();

        assertThat(Files.readString(p)).isEqualTo("<Config><Nested><ApiKey>deep</ApiKey></Nested>"
                + "<![CDATA[<ApiKey>x</ApiKey>]]><ApiKey>new</ApiKey></Config>");
    }

    @Test
    void shouldRefuseMalformedXmlNamingTheFileAndTheLine() throws IOException {
        Path p = file("<?xml version=\"1.0\"?>\n<Preferences MachineIdentifier=\"x\">\n");

        assertThatThrownBy(() -> XmlFile.read(p, "Preferences.xml of the target"))
                .isInstanceOf(IOException.class)
                .hasMessageStartingWith("Preferences.xml of the target (" + p + ") is not well-formed XML: line ");
    }

    @Test
    void shouldRefuseADocumentTypeSoNoEntityIsExpanded() throws IOException {
        Path p = file("<?xml version=\"1.0\"?><!DOCTYPE x [<!ENTITY e SYSTEM \"file:///etc/passwd\">]>"
                + "<Preferences A=\"&e;\"/>");

        assertThatThrownBy(() -> XmlFile.read(p, "Preferences.xml")).isInstanceOf(IOException.class)
                .hasMessageContaining("DOCTYPE");
    }
}
