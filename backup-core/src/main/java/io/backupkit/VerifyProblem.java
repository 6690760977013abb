package io.backupkit;

/**
 * One problem found by verification: which unit, which path, what was expected and what was found.
 *
 * <pre>{@code
 * VerifyProblem p = v.problems().get(0);
 * System.err.println(p.unit() + " " + p.path() + ": " + p.kind());
 * }</pre>
 *
 * @param unit the unit's name ({@code ""} for the files at the source root), or {@code null} for the manifest
 * @param path the source-relative path of the file, or the snapshot-relative path of an archive, index or manifest
 * @param kind what is wrong
 * @param expected the recorded value (hash, size), or {@code null}
 * @param actual the value found, or {@code null} when the thing is missing or unreadable
 * @param detail a human-readable explanation
 */
public record VerifyProblem(String unit, String path, Kind kind, String expected, String actual, String detail) {

    /** What is wrong. */
    public enum Kind {
        /** The manifest is missing, unreadable or inconsistent. */
        MANIFEST,
        /** A unit's archive (or folder) is missing. */
        ARCHIVE_MISSING,
        /** A unit's archive does not match the size or SHA-256 in the manifest. */
        ARCHIVE_HASH,
        /** A unit's archive cannot be read. */
        ARCHIVE_UNREADABLE,
        /** A unit's index is missing, unreadable or does not match the SHA-256 in the manifest. */
        INDEX,
        /** A file's content does not match its size or SHA-256 in the index. */
        FILE_HASH,
        /** A file in the index is not in the archive. */
        FILE_MISSING,
        /** The archive holds an entry the index does not list. */
        FILE_EXTRA,
        /** An entry's type, link target or name is not what the index says, or is unsafe to restore. */
        ENTRY,
        /** A hook's extra file ({@code extras/}) is missing or does not match its size or SHA-256. */
        EXTRA
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder();
        sb.append(kind).append(' ');
        if (unit != null) {
            sb.append("unit '").append(unit.isEmpty() ? "_root" : unit).append("' ");
        }
        sb.append(path);
        if (detail != null) {
            sb.append(": ").append(detail);
        }
        if (expected != null || actual != null) {
            sb.append(" (expected ").append(expected).append(", actual ").append(actual).append(')');
        }
        return sb.toString();
    }
}
