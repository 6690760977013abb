package io.backupkit.examples.userdata;

import io.backupkit.InvalidPlanException;

import java.util.ArrayList;
import java.util.List;

/**
 * One user of the backup whose play state goes to one user of the running server. Names are Jellyfin user names,
 * matched without regard to case, as Jellyfin matches them at sign-in.
 *
 * <pre>{@code
 * UserMapping m = UserMapping.parse("alice=bob");       // from alice (in the backup) to bob (on the server)
 * List<UserMapping> all = UserMapping.parseAll("alice=bob,carol=dave");
 * }</pre>
 *
 * @param from the user name in the backup
 * @param to   the user name on the running server
 */
public record UserMapping(String from, String to) {

    /**
     * @throws InvalidPlanException if a name is null or blank
     */
    public UserMapping {
        if (from == null || from.isBlank() || to == null || to.isBlank()) {
            throw new InvalidPlanException(List.of("a user mapping needs two user names, was '" + from + "' to '"
                    + to + "'"));
        }
        from = from.strip();
        to = to.strip();
    }

    /**
     * @param text {@code FROM=TO}, e.g. {@code alice=bob}
     * @return the mapping
     * @throws InvalidPlanException quoting {@code text} if it is not {@code FROM=TO} with two names
     */
    public static UserMapping parse(String text) {
        String t = text == null ? "" : text.strip();
        int eq = t.indexOf('=');
        if (eq <= 0 || eq != t.lastIndexOf('=') || eq == t.length() - 1
                || t.substring(0, eq).isBlank() || t.substring(eq + 1).isBlank()) {
            throw new InvalidPlanException(List.of("user mapping must be FROM=TO (a user of the backup, then a "
                    + "user of the running server), e.g. alice=bob, was '" + text + "'"));
        }
        return new UserMapping(t.substring(0, eq), t.substring(eq + 1));
    }

    /**
     * @param text one or more {@code FROM=TO}, separated by commas
     * @return the mappings, in order
     * @throws InvalidPlanException naming every part that is not {@code FROM=TO}
     */
    public static List<UserMapping> parseAll(String text) {
        List<UserMapping> out = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        for (String part : (text == null ? "" : text).split(",", -1)) {
            try {
                out.add(parse(part));
            } catch (InvalidPlanException e) {
                problems.addAll(e.problems());
            }
        }
        if (!problems.isEmpty()) {
            throw new InvalidPlanException(problems);
        }
        return List.copyOf(out);
    }

    @Override
    public String toString() {
        return from + "=" + to;
    }
}
