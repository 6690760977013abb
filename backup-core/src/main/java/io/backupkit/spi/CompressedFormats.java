package io.backupkit.spi;

import java.util.Arrays;
import java.util.Locale;
import java.util.Set;

/**
 * Formats that are compressed already (images, video, audio, archives, Plex's {@code .bif} thumbnails), which
 * archivers store rather than compress again: compressing them costs time and saves nothing. A file is known by its
 * name's extension or, since Plex names its posters and artwork by hash without one, by the signature its content
 * starts with.
 *
 * <pre>{@code
 * boolean store = CompressedFormats.isCompressed("Media/localhost/0/index-sd.bif");   // true
 * byte[] head = in.readNBytes(CompressedFormats.SIGNATURE_BYTES);
 * boolean jpeg = CompressedFormats.startsCompressed(head, head.length);          // true for FF D8 FF ...
 * boolean either = CompressedFormats.isCompressed("Metadata/Movies/poster", head, head.length);
 * }</pre>
 */
public final class CompressedFormats {

    /** Lower-case extensions, without the dot. */
    public static final Set<String> EXTENSIONS = Set.of(
            "jpg", "jpeg", "png", "webp", "gif", "heic", "avif", "bif",
            "mp4", "m4v", "mkv", "avi", "mov", "webm", "ts", "mp3", "m4a", "aac", "flac", "ogg", "opus",
            "zip", "gz", "tgz", "bz2", "xz", "txz", "zst", "7z", "rar", "lz4", "br", "jar", "apk", "docx", "xlsx");

    /** How many bytes of a file's start {@link #startsCompressed} needs to see every signature it knows. */
    public static final int SIGNATURE_BYTES = 16;

    private static final byte[] JPEG = {(byte) 0xFF, (byte) 0xD8, (byte) 0xFF};
    private static final byte[] PNG = {(byte) 0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A};
    private static final byte[] BIF = {(byte) 0x89, 'B', 'I', 'F', 0x0D, 0x0A, 0x1A, 0x0A};
    private static final byte[] GIF87 = {'G', 'I', 'F', '8', '7', 'a'};
    private static final byte[] GIF89 = {'G', 'I', 'F', '8', '9', 'a'};
    private static final byte[] RIFF = {'R', 'I', 'F', 'F'};
    private static final byte[] WEBP = {'W', 'E', 'B', 'P'};
    private static final byte[] FTYP = {'f', 't', 'y', 'p'};
    private static final byte[] MATROSKA = {0x1A, 0x45, (byte) 0xDF, (byte) 0xA3};
    private static final byte[] OGG = {'O', 'g', 'g', 'S', 0};
    private static final byte[] FLAC = {'f', 'L', 'a', 'C'};
    private static final byte[] ID3 = {'I', 'D', '3'};
    private static final byte[] GZIP = {0x1F, (byte) 0x8B, 0x08};
    private static final byte[] BZIP2 = {'B', 'Z', 'h'};
    private static final byte[] BZIP2_BLOCK = {0x31, 0x41, 0x59, 0x26, 0x53, 0x59};
    private static final byte[] XZ = {(byte) 0xFD, '7', 'z', 'X', 'Z', 0};
    private static final byte[] ZSTD = {0x28, (byte) 0xB5, 0x2F, (byte) 0xFD};
    private static final byte[] SEVEN_Z = {'7', 'z', (byte) 0xBC, (byte) 0xAF, 0x27, 0x1C};
    private static final byte[] RAR = {'R', 'a', 'r', '!', 0x1A, 0x07};
    private static final byte[] LZ4 = {0x04, 0x22, 0x4D, 0x18};
    private static final byte[] ZIP = {'P', 'K', 0x03, 0x04};

    private CompressedFormats() {
    }

    /**
     * @param path an entry path with {@code /} separators
     * @return {@code true} when the file name's extension is in {@link #EXTENSIONS} (case ignored)
     */
    public static boolean isCompressed(String path) {
        int dot = path.lastIndexOf('.');
        int slash = path.lastIndexOf('/');
        return dot > slash + 1 && EXTENSIONS.contains(path.substring(dot + 1).toLowerCase(Locale.ROOT));
    }

    /**
     * Whether a file's content starts with the signature of a compressed format: JPEG, PNG, GIF, WebP, Plex
     * {@code .bif}, MP4/MOV/HEIC/AVIF/M4A ({@code ftyp}), Matroska/WebM, Ogg, FLAC, MP3 with an ID3 tag, gzip,
     * bzip2, xz, zstd, 7z, RAR, LZ4 and zip (with docx, jar and the like). Uncompressed containers that share a
     * wrapper (RIFF WAV and AVI, say) are not counted.
     *
     * @param head the file's first bytes
     * @param length how many of them there are; a file shorter than a signature does not match it
     * @return {@code true} when a signature matches
     */
    public static boolean startsCompressed(byte[] head, int length) {
        if (length < 3) {
            return false;
        }
        return at(head, length, 0, JPEG) || at(head, length, 0, PNG) || at(head, length, 0, BIF)
                || at(head, length, 0, GIF87) || at(head, length, 0, GIF89)
                || at(head, length, 0, RIFF) && at(head, length, 8, WEBP)
                || at(head, length, 4, FTYP) || at(head, length, 0, MATROSKA)
                || at(head, length, 0, OGG) || at(head, length, 0, FLAC) || id3(head, length)
                || at(head, length, 0, GZIP) || bzip2(head, length) || at(head, length, 0, XZ)
                || at(head, length, 0, ZSTD) || at(head, length, 0, SEVEN_Z) || at(head, length, 0, RAR)
                || at(head, length, 0, LZ4) || at(head, length, 0, ZIP);
    }

    /**
     * What an archiver asks before it compresses a file: the name first, then the content's start.
     *
     * @param path an entry path with {@code /} separators
     * @param head the file's first bytes (at least {@link #SIGNATURE_BYTES} of them unless the file is shorter)
     * @param length how many of them there are
     * @return {@code true} when {@link #isCompressed(String)} or {@link #startsCompressed(byte[], int)} says so
     */
    public static boolean isCompressed(String path, byte[] head, int length) {
        return isCompressed(path) || startsCompressed(head, length);
    }

    /** ID3v2: {@code ID3}, a major version of 2-4, a revision below {@code FF}. */
    private static boolean id3(byte[] head, int length) {
        return at(head, length, 0, ID3) && length > 4 && head[3] >= 2 && head[3] <= 4 && head[4] != (byte) 0xFF;
    }

    /** {@code BZh}, a block size digit 1-9, then the first block's magic. */
    private static boolean bzip2(byte[] head, int length) {
        return at(head, length, 0, BZIP2) && length > 3 && head[3] >= '1' && head[3] <= '9'
                && at(head, length, 4, BZIP2_BLOCK);
    }

    private static boolean at(byte[] head, int length, int offset, byte[] signature) {
        int end = offset + signature.length;
        return end <= length && Arrays.equals(head, offset, end, signature, 0, signature.length);
    }
}
