package io.backupkit.examples.userdata;

import java.util.List;

/**
 * What the copy did (or, in a dry run, would do) for one pair of users. Counts are of {@code UserData} rows: one
 * per item and key ({@code CustomDataKey}); Jellyfin writes the same values under each key of an item.
 *
 * <pre>{@code
 * UserMappingReport m = report.mappings().get(0);
 * System.out.println(m.summary());   // alice -> bob: 3 copied, 2 changed, 5 unchanged, 1 unmatched
 * }</pre>
 *
 * @param from           the backup's user name, as the backup spells it
 * @param to             the server's user name, as the server spells it
 * @param fromId         the backup user's {@code Users.Id}
 * @param toId           the server user's {@code Users.Id}
 * @param copied         rows added to the target user (it had none for the item)
 * @param changed        rows of the target user given new values
 * @param unchanged      rows left as they were: the target already holds the result, or the backup's row holds
 *                       nothing to copy
 * @param unmatched      rows of the backup whose item the server does not have
 * @param changes        every added and changed row, with its values before and after
 * @param unmatchedItems every unmatched row, with the reason
 */
public record UserMappingReport(String from, String to, String fromId, String toId, int copied, int changed,
                                int unchanged, int unmatched, List<UserDataChange> changes,
                                List<UnmatchedUserData> unmatchedItems) {

    /** Copies the lists. */
    public UserMappingReport {
        changes = List.copyOf(changes);
        unmatchedItems = List.copyOf(unmatchedItems);
    }

    /** @return {@code from -> to: N copied, N changed, N unchanged, N unmatched} */
    public String summary() {
        return from + " -> " + to + ": " + copied + " copied, " + changed + " changed, " + unchanged
                + " unchanged, " + unmatched + " unmatched";
    }
}
