package io.backupkit.examples.userdata;

/**
 * A row of the backup whose item the running server does not have (or cannot be told apart): not copied, and
 * listed so nothing is dropped without a word.
 *
 * <pre>{@code
 * mapping.unmatchedItems().forEach(u -> System.out.println(u.describe()));
 * // unmatched  Gone Movie [tt0000005]: no item with this id on the server, and no row there with this key
 * }</pre>
 *
 * @param itemId the item's {@code ItemId} in the backup
 * @param key    the row's {@code CustomDataKey}
 * @param item   the item's name in the backup, or {@code null}
 * @param state  the backup's values that were not copied
 * @param reason why no live item was found
 */
public record UnmatchedUserData(String itemId, String key, String item, PlayState state, String reason) {

    /** @return one line: {@code unmatched <item> [<key>]: <reason>} */
    public String describe() {
        return "unmatched " + (item == null ? "item " + itemId : item) + " [" + key + "]: " + reason;
    }
}
