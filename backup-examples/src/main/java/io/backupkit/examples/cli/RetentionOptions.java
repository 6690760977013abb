package io.backupkit.examples.cli;

import io.backupkit.RetentionPolicies;
import io.backupkit.spi.RetentionPolicy;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The retention options of {@code backup}, {@code resume} and {@code prune}, and the policy they describe: each one
 * given is a policy, several are their union (a snapshot is kept when any of them keeps it), as restic's
 * {@code --keep-*} options.
 *
 * <pre>{@code
 * @Mixin RetentionOptions retention;
 * Optional<RetentionPolicy> policy = retention.policy();
 * }</pre>
 */
final class RetentionOptions {

    private static final Pattern SIZE = Pattern.compile("(\\d+(?:\\.\\d+)?)\\s*([kmgtp]?)(i?b?)",
            Pattern.CASE_INSENSITIVE);

    @Spec(Spec.Target.MIXEE)
    CommandSpec spec;

    @Option(names = "--keep", paramLabel = "N",
            description = "Keep the newest N complete snapshots (N >= 1).")
    Integer keep;

    @Option(names = "--keep-daily", paramLabel = "N",
            description = "Keep the newest snapshot of each of the last N days that have snapshots (UTC).")
    Integer daily;

    @Option(names = "--keep-weekly", paramLabel = "N",
            description = "Keep the newest snapshot of each of the last N ISO weeks that have snapshots (UTC).")
    Integer weekly;

    @Option(names = "--keep-monthly", paramLabel = "N",
            description = "Keep the newest snapshot of each of the last N months that have snapshots (UTC).")
    Integer monthly;

    @Option(names = "--keep-yearly", paramLabel = "N",
            description = "Keep the newest snapshot of each of the last N years that have snapshots (UTC).")
    Integer yearly;

    @Option(names = "--keep-within", paramLabel = "DURATION",
            description = "Keep the snapshots created within DURATION before now: 30d, 12h, 2w, 90m, or ISO-8601 "
                    + "such as P30D or PT12H.")
    String within;

    @Option(names = "--max-total-size", paramLabel = "SIZE",
            description = "Keep the newest snapshots while their total size stays within SIZE: 500G, 20MB, 1.5T, "
                    + "or bytes (K, M, G, T are powers of 1024; a trailing B or iB is optional).")
    String maxTotalSize;

    /**
     * @return the policy the options describe (a union when several are given), or empty when none is
     * @throws ParameterException naming the option and the value, if one is bad
     */
    Optional<RetentionPolicy> policy() {
        List<RetentionPolicy> policies = new ArrayList<>();
        if (keep != null) {
            policies.add(RetentionPolicies.keepLast(atLeastOne("--keep", keep, "the number of snapshots to keep")));
        }
        if (daily != null || weekly != null || monthly != null || yearly != null) {
            RetentionPolicies.Gfs gfs = RetentionPolicies.gfs();
            if (daily != null) {
                gfs = gfs.daily(atLeastOne("--keep-daily", daily, "the number of days"));
            }
            if (weekly != null) {
                gfs = gfs.weekly(atLeastOne("--keep-weekly", weekly, "the number of weeks"));
            }
            if (monthly != null) {
                gfs = gfs.monthly(atLeastOne("--keep-monthly", monthly, "the number of months"));
            }
            if (yearly != null) {
                gfs = gfs.yearly(atLeastOne("--keep-yearly", yearly, "the number of years"));
            }
            policies.add(gfs);
        }
        if (within != null) {
            policies.add(RetentionPolicies.keepWithin(parseDuration(within)));
        }
        if (maxTotalSize != null) {
            policies.add(RetentionPolicies.maxTotalSize(parseSize(maxTotalSize)));
        }
        if (policies.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(policies.size() == 1 ? policies.get(0)
                : RetentionPolicies.union(policies.toArray(RetentionPolicy[]::new)));
    }

    private int atLeastOne(String option, int value, String what) {
        if (value < 1) {
            throw new ParameterException(spec.commandLine(),
                    option + " must be at least 1 (" + what + " to keep), was " + value);
        }
        return value;
    }

    private Duration parseDuration(String text) {
        Duration d;
        try {
            d = CliDurations.parse("--keep-within", text);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
        if (d.isZero() || d.isNegative()) {
            throw new ParameterException(spec.commandLine(), "--keep-within must be longer than zero, was '"
                    + text + "'");
        }
        return d;
    }

    private long parseSize(String text) {
        Matcher m = SIZE.matcher(text.strip());
        if (m.matches() && !(m.group(2).isEmpty() && m.group(3).toLowerCase(Locale.ROOT).startsWith("i"))) {
            String prefix = m.group(2).toLowerCase(Locale.ROOT);
            int power = prefix.isEmpty() ? 0 : "kmgtp".indexOf(prefix) + 1;
            try {
                BigDecimal bytes = new BigDecimal(m.group(1)).multiply(BigDecimal.valueOf(1024).pow(power))
                        .setScale(0, RoundingMode.DOWN);
                long value = bytes.longValueExact();
                if (value >= 1) {
                    return value;
                }
            } catch (ArithmeticException e) {
                // more than a long holds: refused below
            }
            throw new ParameterException(spec.commandLine(), "--max-total-size must be from 1 byte up to 8E, was '" + text + "'");
        }
        throw new ParameterException(spec.commandLine(), "--max-total-size needs a size such as 500G, 20MB or "
                + "1048576, was '" + text + "'");
    }
}
