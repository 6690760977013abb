package io.backupkit.examples.userdata;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoField;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * What one row of Jellyfin's {@code UserData} table says about one user and one item: the fields this package
 * copies. Other columns of the row ({@code AudioStreamIndex}, {@code SubtitleStreamIndex}, {@code RetentionDate},
 * ...) are left as they are.
 *
 * <pre>{@code
 * PlayState watched = new PlayState(true, 2, 0, true, "2026-11-20 21:00:00.1234567", null, null);
 * watched.lastPlayedInstant();   // Optional[2026-11-20T21:00:00.123456700Z]
 * }</pre>
 *
 * @param played        column {@code Played}: watched (or listened to) to the end
 * @param playCount     column {@code PlayCount}
 * @param positionTicks column {@code PlaybackPositionTicks}: where playback stopped, in ticks of 100 ns
 * @param favorite      column {@code IsFavorite}
 * @param lastPlayed    column {@code LastPlayedDate} as SQLite holds it (EF Core writes UTC as
 *                      {@code yyyy-MM-dd HH:mm:ss.FFFFFFF}), or {@code null}
 * @param rating        column {@code Rating} (0-10), or {@code null}
 * @param likes         column {@code Likes}, or {@code null}
 */
public record PlayState(boolean played, int playCount, long positionTicks, boolean favorite, String lastPlayed,
                        Double rating, Boolean likes) {

    /** Ticks of 100 ns in a second, as .NET counts them. */
    public static final long TICKS_PER_SECOND = 10_000_000L;

    private static final DateTimeFormatter TEXT = new DateTimeFormatterBuilder()
            .parseCaseInsensitive()
            .appendPattern("yyyy-MM-dd")
            .optionalStart().appendLiteral(' ').optionalEnd()
            .optionalStart().appendLiteral('T').optionalEnd()
            .appendPattern("HH:mm:ss")
            .optionalStart().appendFraction(ChronoField.NANO_OF_SECOND, 1, 9, true).optionalEnd()
            .optionalStart().appendOffset("+HH:MM", "Z").optionalEnd()
            .optionalStart().appendOffset("+HHMM", "Z").optionalEnd()
            .toFormatter(Locale.ROOT);

    /** A row that says nothing: not played, no position, not a favourite, no rating. */
    public static final PlayState NONE = new PlayState(false, 0, 0, false, null, null, null);

    /**
     * @throws IllegalArgumentException if {@code playCount} or {@code positionTicks} is negative
     */
    public PlayState {
        if (playCount < 0) {
            throw new IllegalArgumentException("play count must not be negative, was " + playCount);
        }
        if (positionTicks < 0) {
            throw new IllegalArgumentException("playback position must not be negative, was " + positionTicks);
        }
    }

    /**
     * @return {@link #lastPlayed()} as an instant (a text without offset is UTC, as Jellyfin writes it); empty when
     *         there is none or SQLite holds something that is not a date
     */
    public Optional<Instant> lastPlayedInstant() {
        return instant(lastPlayed);
    }

    /** @return whether the row holds nothing to copy: never played, no position, no favourite, no rating */
    public boolean isEmpty() {
        return !played && playCount == 0 && positionTicks == 0 && !favorite && lastPlayed == null && rating == null
                && likes == null;
    }

    /**
     * @param before the values before a change
     * @return each field that differs from {@code before}, as {@code "plays 1 -> 3"}; empty when none does
     */
    public List<String> differencesFrom(PlayState before) {
        Objects.requireNonNull(before, "before");
        List<String> out = new ArrayList<>();
        if (played != before.played) {
            out.add("played " + yesNo(before.played) + " -> " + yesNo(played));
        }
        if (playCount != before.playCount) {
            out.add("plays " + before.playCount + " -> " + playCount);
        }
        if (positionTicks != before.positionTicks) {
            out.add("position " + position(before.positionTicks) + " -> " + position(positionTicks));
        }
        if (favorite != before.favorite) {
            out.add("favourite " + yesNo(before.favorite) + " -> " + yesNo(favorite));
        }
        if (!Objects.equals(lastPlayed, before.lastPlayed)) {
            out.add("last played " + orNone(before.lastPlayed) + " -> " + orNone(lastPlayed));
        }
        if (!Objects.equals(rating, before.rating)) {
            out.add("rating " + orNone(before.rating) + " -> " + orNone(rating));
        }
        if (!Objects.equals(likes, before.likes)) {
            out.add("likes " + orNone(before.likes) + " -> " + orNone(likes));
        }
        return out;
    }

    /**
     * @return the fields that say something, as {@code "played, 2 plays, favourite, last played 2026-11-20 21:00:00"}
     */
    public String describe() {
        List<String> out = new ArrayList<>();
        out.add(played ? "played" : "not played");
        out.add(playCount + (playCount == 1 ? " play" : " plays"));
        if (positionTicks != 0) {
            out.add("position " + position(positionTicks));
        }
        if (favorite) {
            out.add("favourite");
        }
        if (lastPlayed != null) {
            out.add("last played " + lastPlayed);
        }
        if (rating != null) {
            out.add("rating " + rating);
        }
        if (likes != null) {
            out.add("likes " + likes);
        }
        return String.join(", ", out);
    }

    /**
     * @param ticks a playback position in ticks of 100 ns
     * @return it as {@code H:MM:SS}
     */
    public static String position(long ticks) {
        long s = ticks / TICKS_PER_SECOND;
        return String.format(Locale.ROOT, "%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60);
    }

    /**
     * @param text a date as SQLite holds it, or {@code null}
     * @return it as an instant (UTC when it has no offset), or empty when it is null or not a date
     */
    static Optional<Instant> instant(String text) {
        if (text == null || text.isBlank()) {
            return Optional.empty();
        }
        try {
            var parsed = TEXT.parseBest(text.strip(), OffsetDateTime::from, LocalDateTime::from);
            return Optional.of(parsed instanceof OffsetDateTime o ? o.toInstant()
                    : ((LocalDateTime) parsed).toInstant(ZoneOffset.UTC));
        } catch (DateTimeParseException e) {
            return Optional.empty();
        }
    }

    private static String yesNo(boolean b) {
        return b ? "yes" : "no";
    }

    private static String orNone(Object o) {
        return o == null ? "none" : o.toString();
    }
}
