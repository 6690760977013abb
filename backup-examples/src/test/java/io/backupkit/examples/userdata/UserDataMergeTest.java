package io.backupkit.examples.userdata;

import org.junit.jupiter.api.Test;

import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The merge rule, one field at a time: {@code merge(target, backup)}. */
class UserDataMergeTest {

    static final String EARLY = "2026-11-01 20:00:00";
    static final String LATE = "2026-11-12 21:30:00.1234567";

    private static PlayState played(int count, long position, String last) {
        return new PlayState(true, count, position, false, last, null, null);
    }

    private static PlayState unplayed(long position, String last) {
        return new PlayState(false, 0, position, false, last, null, null);
    }

    @Test
    void shouldKeepPlayedWhenEitherSidePlayedIt() {
        assertThat(MergeRule.merge(played(1, 0, EARLY), unplayed(0, null)).played()).isTrue();
        assertThat(MergeRule.merge(unplayed(0, null), played(1, 0, EARLY)).played()).isTrue();
        assertThat(MergeRule.merge(unplayed(0, null), unplayed(0, null)).played()).isFalse();
    }

    @Test
    void shouldKeepTheLargerPlayCount() {
        assertThat(MergeRule.merge(played(3, 0, EARLY), played(1, 0, LATE)).playCount()).isEqualTo(3);
        assertThat(MergeRule.merge(played(1, 0, LATE), played(5, 0, EARLY)).playCount()).isEqualTo(5);
    }

    @Test
    void shouldKeepAFavouriteOfEitherSide() {
        PlayState fav = new PlayState(false, 0, 0, true, null, null, null);
        assertThat(MergeRule.merge(fav, PlayState.NONE).favorite()).isTrue();
        assertThat(MergeRule.merge(PlayState.NONE, fav).favorite()).isTrue();
        assertThat(MergeRule.merge(PlayState.NONE, PlayState.NONE).favorite()).isFalse();
    }

    @Test
    void shouldKeepTheLaterLastPlayedDate() {
        assertThat(MergeRule.merge(played(1, 0, EARLY), played(1, 0, LATE)).lastPlayed()).isEqualTo(LATE);
        assertThat(MergeRule.merge(played(1, 0, LATE), played(1, 0, EARLY)).lastPlayed()).isEqualTo(LATE);
        assertThat(MergeRule.merge(played(1, 0, null), played(1, 0, EARLY)).lastPlayed()).isEqualTo(EARLY);
        assertThat(MergeRule.merge(played(1, 0, EARLY), played(1, 0, null)).lastPlayed()).isEqualTo(EARLY);
    }

    @Test
    void shouldCompareDatesAsTimesNotAsText() {
        // the same instant written with and without fraction and 'T': neither is later, the target's text stays
        assertThat(MergeRule.merge(played(1, 5, "2026-11-12T21:30:00Z"), played(1, 7, "2026-11-12 21:30:00.0"))
                .lastPlayed()).isEqualTo("2026-11-12T21:30:00Z");
        // as text "...T22:00:00+02:00" sorts after "... 21:00:00", as a time (20:00 UTC) it is earlier
        assertThat(MergeRule.merge(played(1, 0, "2026-11-12T22:00:00+02:00"), played(1, 0, "2026-11-12 21:00:00"))
                .lastPlayed()).isEqualTo("2026-11-12 21:00:00");
    }

    @Test
    void shouldTakeThePositionOfTheSidePlayedLast() {
        assertThat(MergeRule.merge(unplayed(100, EARLY), unplayed(900, LATE)).positionTicks()).isEqualTo(900);
        assertThat(MergeRule.merge(unplayed(100, LATE), unplayed(900, EARLY)).positionTicks()).isEqualTo(100);
        // finished later on the server (position reset to 0): the backup's older half-way position is not taken
        assertThat(MergeRule.merge(played(1, 0, LATE), unplayed(900, EARLY)).positionTicks()).isZero();
    }

    @Test
    void shouldKeepTheTargetsPositionWhenNeitherSideIsLaterUnlessItHasNone() {
        assertThat(MergeRule.merge(unplayed(100, null), unplayed(900, null)).positionTicks()).isEqualTo(100);
        assertThat(MergeRule.merge(unplayed(0, null), unplayed(900, null)).positionTicks()).isEqualTo(900);
        assertThat(MergeRule.merge(unplayed(0, EARLY), unplayed(900, EARLY)).positionTicks()).isEqualTo(900);
    }

    @Test
    void shouldKeepTheTargetsOwnRatingAndTakeTheBackupsOnlyWhenItHasNone() {
        PlayState rated7 = new PlayState(false, 0, 0, false, null, 7.0, true);
        PlayState rated2 = new PlayState(false, 0, 0, false, null, 2.0, false);
        assertThat(MergeRule.merge(rated7, rated2)).extracting(PlayState::rating, PlayState::likes)
                .containsExactly(7.0, true);
        assertThat(MergeRule.merge(PlayState.NONE, rated2)).extracting(PlayState::rating, PlayState::likes)
                .containsExactly(2.0, false);
    }

    @Test
    void shouldCountAnUnreadableDateAsNeverPlayed() {
        assertThat(MergeRule.merge(unplayed(100, "yesterday"), unplayed(900, EARLY)).positionTicks())
                .isEqualTo(900);
        assertThat(MergeRule.merge(unplayed(100, "yesterday"), unplayed(900, EARLY)).lastPlayed()).isEqualTo(EARLY);
    }

    @Test
    void shouldGiveTheBackupsValuesWhenOverwritingOrWhenTheTargetHasNoRow() {
        PlayState target = played(9, 0, LATE);
        PlayState backup = unplayed(900, EARLY);
        assertThat(MergeRule.apply(target, backup, true)).isEqualTo(backup);
        assertThat(MergeRule.apply(null, backup, false)).isEqualTo(backup);
        assertThat(MergeRule.apply(target, backup, false)).isEqualTo(MergeRule.merge(target, backup));
    }

    @Test
    void shouldReadDatesAsEfCoreWritesThem() {
        assertThat(PlayState.instant("2026-11-12 21:30:00.1234567"))
                .contains(Instant.parse("2026-11-12T21:30:00.123456700Z"));
        assertThat(PlayState.instant("2026-11-12 21:30:00")).contains(Instant.parse("2026-11-12T21:30:00Z"));
        assertThat(PlayState.instant("2026-11-12T21:30:00+01:00")).contains(Instant.parse("2026-11-12T20:30:00Z"));
        assertThat(PlayState.instant("not a date")).isEmpty();
        assertThat(PlayState.instant(null)).isEmpty();
    }

    @Test
    void shouldRefuseANegativePlayCountOrPosition() {
        assertThatThrownBy(() -> new PlayState(false, -1, 0, false, null, null, null))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("play count must not be negative, was -1");
        assertThatThrownBy(() -> new PlayState(false, 0, -5, false, null, null, null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("playback position must not be negative, was -5");
    }
}
