package io.backupkit.spi;

import java.util.Locale;
import java.util.Set;

/**
 * File name extensions of formats that are compressed already (images, video, audio, archives, Plex's {@code .bif}
 * thumbnails), which archivers store rather than compress again: compressing them costs time and saves nothing.
 *
 * <pre>{@code
 * boolean store = CompressedFormats.isCompressed("Media/localhost/0/index-sd.bif");   // true
 * }</pre>
 */
public final class CompressedFormats {

    /** Lower-case extensions, without the dot. */
    public static final Set<String> EXTENSIONS = Set.of(
            "jpg", "jpeg", "png", "webp", "gif", "heic", "avif", "bif",
            "mp4", "m4v", "mkv", "avi", "mov", "webm", "ts", "mp3", "m4a", "aac", "flac", "ogg", "opus",
            "zip", "gz", "tgz", "bz2", "xz", "txz", "zst", "7z", "rar", "lz4", "br", "jar", "apk", "docx", "xlsx");

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
}
