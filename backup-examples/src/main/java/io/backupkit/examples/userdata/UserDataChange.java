package io.backupkit.examples.userdata;

import java.util.List;

/**
 * One row of the target user that the copy writes (or, in a dry run, would write).
 *
 * <pre>{@code
 * for (UserDataChange c : mapping.changes()) System.out.println(c.describe());
 * // change Heat [tt0113277]: played no -> yes, position 0:00:00 -> 0:30:00, last played ... -> ...
 * }</pre>
 *
 * @param kind       {@link Kind#COPIED}: the target had no row for the item, one is added; {@link Kind#CHANGED}:
 *                   the target's row gets new values
 * @param itemId     the item's {@code ItemId} on the running server
 * @param key        the row's {@code CustomDataKey}
 * @param item       the item's name (with its series for an episode), or {@code null} when neither database
 *                   names it
 * @param before     the target's row before, or {@code null} for {@link Kind#COPIED}
 * @param after      the target's row afterwards
 * @param reattached whether the target's row was one Jellyfin had detached from a deleted item (its
 *                   {@code ItemId} the placeholder item): it is attached to the live item again, as Jellyfin itself
 *                   does when an item with that key comes back
 */
public record UserDataChange(Kind kind, String itemId, String key, String item, PlayState before, PlayState after,
                             boolean reattached) {

    /** What happens to the target's row. */
    public enum Kind {
        /** The target user had no row for the item: one is added with the backup's values. */
        COPIED,
        /** The target user's row gets new values. */
        CHANGED
    }

    /**
     * @return one line: {@code copy <item> [<key>]: <values>} or {@code change <item> [<key>]: <field old -> new>, ...}
     */
    public String describe() {
        String what = (item == null ? "item " + itemId : item) + " [" + key + "]";
        if (kind == Kind.COPIED) {
            return "copy    " + what + ": " + after.describe();
        }
        List<String> diff = after.differencesFrom(before);
        return "change  " + what + ": " + (diff.isEmpty() ? "same values" : String.join(", ", diff))
                + (reattached ? " (reattached from a deleted item)" : "");
    }
}
