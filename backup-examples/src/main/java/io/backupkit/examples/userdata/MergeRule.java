package io.backupkit.examples.userdata;

import java.time.Instant;
import java.util.Optional;

/**
 * How a backup's row and the target user's row become one.
 *
 * <pre>{@code
 * PlayState merged = MergeRule.merge(target, backup);
 * }</pre>
 *
 * <ul>
 *   <li>played: either side played; play count: the larger; favourite: either side's; last played: the later;</li>
 *   <li>position: the side played last (the later {@code LastPlayedDate}); when neither is later, the target's,
 *       unless it has none (0), then the backup's;</li>
 *   <li>rating and likes: the target's own when it has one, else the backup's.</li>
 * </ul>
 *
 * A date SQLite holds that is not a date counts as never played.
 */
final class MergeRule {

    private MergeRule() {
    }

    /**
     * @param target the target user's row on the running server
     * @param backup the source user's row in the backup
     * @return the merged row
     */
    static PlayState merge(PlayState target, PlayState backup) {
        Optional<Instant> t = target.lastPlayedInstant();
        Optional<Instant> b = backup.lastPlayedInstant();
        boolean backupLater = b.isPresent() && (t.isEmpty() || b.get().isAfter(t.get()));
        boolean targetLater = t.isPresent() && (b.isEmpty() || t.get().isAfter(b.get()));
        long position;
        if (backupLater) {
            position = backup.positionTicks();
        } else if (targetLater || target.positionTicks() != 0) {
            position = target.positionTicks();
        } else {
            position = backup.positionTicks();
        }
        String lastPlayed = backupLater ? backup.lastPlayed()
                : target.lastPlayed() != null ? target.lastPlayed() : backup.lastPlayed();
        return new PlayState(
                target.played() || backup.played(),
                Math.max(target.playCount(), backup.playCount()),
                position,
                target.favorite() || backup.favorite(),
                lastPlayed,
                target.rating() != null ? target.rating() : backup.rating(),
                target.likes() != null ? target.likes() : backup.likes());
    }

    /**
     * @param target the target user's row, or {@code null} when it has none
     * @param backup the source user's row in the backup
     * @param overwrite {@code true} to take the backup's values, else to merge
     * @return what the target's row holds afterwards
     */
    static PlayState apply(PlayState target, PlayState backup, boolean overwrite) {
        if (target == null || overwrite) {
            return backup;
        }
        return merge(target, backup);
    }
}
