package io.backupkit.spi;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.Arrays;
import java.util.HexFormat;

import static org.assertj.core.api.Assertions.assertThat;

class CompressedFormatsTest {

    @ParameterizedTest
    @ValueSource(strings = {
            "ffd8ffe000104a464946",                      // JPEG (JFIF)
            "ffd8ffdb",                                  // JPEG (raw)
            "89504e470d0a1a0a0000000d49484452",          // PNG
            "894249460d0a1a0a00000000",                  // Plex .bif
            "474946383961",                              // GIF89a
            "474946383761",                              // GIF87a
            "52494646a4b3000057454250",                  // RIFF....WEBP
            "000000206674797069736f6d",                  // MP4 ftyp isom
            "000000186674797068656963",                  // HEIC ftyp
            "1a45dfa3",                                  // Matroska / WebM
            "4f67675300",                                // Ogg
            "664c6143",                                  // FLAC
            "4944330400",                                // MP3, ID3v2.4
            "1f8b0800",                                  // gzip
            "425a683931415926535900",                    // bzip2
            "fd377a585a00",                              // xz
            "28b52ffd",                                  // zstd
            "377abcaf271c",                              // 7z
            "526172211a0700",                            // RAR
            "04224d18",                                  // LZ4 frame
            "504b0304",                                  // zip, docx, jar
    })
    void shouldKnowCompressedFormatsByTheirSignature(String hex) {
        byte[] head = hex(hex);
        assertThat(CompressedFormats.startsCompressed(head, head.length)).isTrue();
        byte[] padded = Arrays.copyOf(head, 64);
        assertThat(CompressedFormats.startsCompressed(padded, padded.length)).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "",                                          // empty file
            "ffd8",                                      // too short for JPEG
            "89504e470d0a1a",                            // PNG cut short
            "52494646a4b3000057415645",                  // RIFF....WAVE: uncompressed audio
            "52494646a4b3000041564920",                  // RIFF....AVI : may hold anything
            "494433ff00",                                // "ID3" then no ID3v2 version
            "494433",                                    // "ID3" alone
            "425a6839",                                  // "BZh9" without a block
            "425a6830314159265359",                      // "BZh0": no such block size
            "53514c69746520666f726d6174203300",          // SQLite database
            "3c3f786d6c2076657273696f6e3d",              // <?xml version=
            "7b226964223a",                              // {"id":
            "504b0506",                                  // an empty zip's end record only
    })
    void shouldNotTakeOtherContentForCompressed(String hex) {
        byte[] head = hex(hex);
        assertThat(CompressedFormats.startsCompressed(head, head.length)).isFalse();
    }

    @Test
    void shouldLookOnlyAtTheGivenLength() {
        byte[] jpeg = hex("ffd8ff");
        assertThat(CompressedFormats.startsCompressed(jpeg, 2)).isFalse();
        byte[] bif = hex("894249460d0a1a0a");
        assertThat(CompressedFormats.startsCompressed(bif, 7)).isFalse();
        assertThat(CompressedFormats.startsCompressed(bif, 8)).isTrue();
        assertThat(CompressedFormats.SIGNATURE_BYTES).isGreaterThanOrEqualTo(12); // RIFF....WEBP
    }

    @Test
    void shouldKnowCompressedFormatsByTheirExtension() {
        assertThat(CompressedFormats.isCompressed("Media/localhost/0/index-sd.bif")).isTrue();
        assertThat(CompressedFormats.isCompressed("a/poster.JPG")).isTrue();
        assertThat(CompressedFormats.isCompressed("a/Preferences.xml")).isFalse();
        assertThat(CompressedFormats.isCompressed("a.jpg/poster")).as("a folder's extension").isFalse();
        assertThat(CompressedFormats.isCompressed("a/.jpg")).as("a hidden file's name").isFalse();
    }

    @Test
    void shouldKnowAFileByItsNameOrByItsContent() {
        byte[] jpeg = hex("ffd8ffe000104a464946000101000001");
        byte[] xml = "<?xml version=\"1.0\"?>".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        assertThat(CompressedFormats.isCompressed("Metadata/Movies/poster", jpeg, jpeg.length)).isTrue();
        assertThat(CompressedFormats.isCompressed("Media/index-sd.bif", xml, xml.length)).isTrue();
        assertThat(CompressedFormats.isCompressed("Media/index-sd.bif", xml, 0)).as("an empty .bif").isTrue();
        assertThat(CompressedFormats.isCompressed("Preferences.xml", xml, xml.length)).isFalse();
        assertThat(CompressedFormats.isCompressed("Preferences.xml", jpeg, 2)).as("only two bytes seen").isFalse();
    }

    private static byte[] hex(String hex) {
        return HexFormat.of().parseHex(hex);
    }
}
